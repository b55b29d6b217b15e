#!/usr/bin/env bash
# Starts (once) real servers that speak STARTTLS on 127.0.0.1, for scan's RealStartTlsServersTest, and prints one
# "protocol port" line per server that listens. Debian packages, installed when missing (needs root and apt-get);
# no systemd: each daemon is started by hand, in the background, from a private configuration under $base.
#
#   bin/start-starttls-servers.sh          install what is missing, start what is not running, print the ports
#   bin/start-starttls-servers.sh --stop   stop them (the files under $base stay)
#
# Ports (fixed, high, loopback only; the test reads the same table):
#   imap 11143, pop3 11110, lmtp 11024, sieve 14190 (dovecot), ftp 11021 (vsftpd), ldap 11389 (slapd),
#   postgres 15432 (a private cluster with ssl = on), mysql 13306 (mariadb), xmpp 15222 and xmpp-server 15269
#   (prosody), smtp 11025 (postfix), nntp 11119 (inn2).
# Every server gets the same self-signed certificate (openssl req). They run a modern OpenSSL or GnuTLS, so they
# prove the dialogs and the NOT_VULNERABLE path; the VULNERABLE path through each dialog is tested in-process.
set -uo pipefail

base=${HEARTGUARD_STARTTLS_DIR:-/tmp/heartguard-starttls}
packages=(dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-managesieved vsftpd slapd mariadb-server prosody postfix
  inn2 postgresql openssl)

log() { echo "start-starttls-servers: $*" >&2; }

# Waits up to 20 s for a TCP listener on 127.0.0.1:$1; bash's /dev/tcp needs no extra tool.
listening() {
  local port=$1 i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_pidfile() {
  local f=$1
  if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; fi
}

if [ "${1:-}" = "--stop" ]; then
  [ -f "$base/dovecot/run/master.pid" ] && doveadm -c "$base/dovecot/dovecot.conf" stop 2>/dev/null
  for f in "$base"/*.pid "$base"/*/*.pid; do [ -e "$f" ] && stop_pidfile "$f"; done
  [ -f "$base/inn/run/innd.pid" ] && kill "$(cat "$base/inn/run/innd.pid")" 2>/dev/null
  [ -f "$base/postgres/data/postmaster.pid" ] && runuser -u postgres -- \
      "$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)/pg_ctl" -D "$base/postgres/data" -m fast -w stop >/dev/null
  postfix -c "$base/postfix" stop >/dev/null 2>&1
  log "stopped"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$base.apt.log" 2>&1 \
      || log "apt-get failed for some of ${missing[*]}, see $base.apt.log; starting what is there"
  else
    log "missing ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  fi
fi

mkdir -p "$base"
chmod 755 "$base"
# inn2's post-installation script fails on a host whose name is not a resolvable FQDN (innconfval: "hostname does
# not resolve or domain not set in inn.conf"): name a domain in its global configuration and configure it again.
if dpkg-query -W -f='${Status}' inn2 2>/dev/null | grep -q "half-configured\|unpacked" && [ "$(id -u)" = 0 ]; then
  grep -q '^domain:' /etc/news/inn.conf || sed -i 's/^#domain:.*/domain:                      heartguard.invalid/' /etc/news/inn.conf
  DEBIAN_FRONTEND=noninteractive dpkg --configure inn2 >>"$base.apt.log" 2>&1 || log "inn2: dpkg --configure failed"
fi
if [ ! -f "$base/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 3650 \
      -keyout "$base/key.pem" -out "$base/cert.pem" >/dev/null 2>&1 || { log "openssl req failed"; exit 2; }
fi
chmod 644 "$base/cert.pem" "$base/key.pem" # a test key for loopback servers; every daemon user must read it

start_dovecot() {
  local d=$base/dovecot
  if up 11143 && up 11110 && up 11024 && up 14190; then return 0; fi
  command -v dovecot >/dev/null || { log "dovecot: not installed"; return 1; }
  mkdir -p "$d/run" "$d/mail"
  chmod 755 "$d"
  chown nobody:nogroup "$d/mail"
  cat >"$d/dovecot.conf" <<CONF
protocols = imap pop3 lmtp sieve
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
ssl = yes
ssl_cert = <$base/cert.pem
ssl_key = <$base/key.pem
disable_plaintext_auth = yes
mail_location = maildir:$d/mail/%u
passdb {
  driver = static
  args = password=unused-by-the-tests
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/mail/%u
}
service imap-login {
  inet_listener imap {
    port = 11143
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 11110
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 11024
  }
}
service managesieve-login {
  inet_listener sieve {
    port = 14190
  }
}
protocol sieve {
}
CONF
  dovecot -c "$d/dovecot.conf" 2>>"$d/dovecot.log" || { log "dovecot: did not start, see $d/dovecot.log"; return 1; }
  listening 11143 && listening 11110 && listening 11024 && listening 14190 \
    || { log "dovecot: not listening, see $d/dovecot.log"; return 1; }
}

start_vsftpd() {
  local d=$base/vsftpd
  if up 11021; then return 0; fi
  command -v vsftpd >/dev/null || { log "vsftpd: not installed"; return 1; }
  mkdir -p "$d/empty" "$d/anon"
  chmod 755 "$d/empty" "$d/anon"
  # vsftpd refuses to run with both anonymous and local logins off, so anonymous is on (read-only, never used).
  cat >"$d/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=11021
background=NO
anonymous_enable=YES
anon_root=$d/anon
local_enable=NO
write_enable=NO
ssl_enable=YES
allow_anon_ssl=YES
rsa_cert_file=$base/cert.pem
rsa_private_key_file=$base/key.pem
secure_chroot_dir=$d/empty
seccomp_sandbox=NO
xferlog_enable=NO
vsftpd_log_file=$d/vsftpd.log
CONF
  nohup vsftpd "$d/vsftpd.conf" >"$d/stdout.log" 2>&1 &
  echo $! >"$base/vsftpd.pid"
  listening 11021 || { log "vsftpd: not listening, see $d/stdout.log"; return 1; }
}

start_slapd() {
  local d=$base/slapd
  if up 11389; then return 0; fi
  command -v slapd >/dev/null || { log "slapd: not installed"; return 1; }
  mkdir -p "$d/db"
  # No database at all: the StartTLS extended operation needs none, and a config without one starts in milliseconds.
  cat >"$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
pidfile $base/slapd.pid
TLSCertificateFile $base/cert.pem
TLSCertificateKeyFile $base/key.pem
CONF
  slapd -f "$d/slapd.conf" -h "ldap://127.0.0.1:11389/" 2>"$d/slapd.log" || { log "slapd: did not start, see $d/slapd.log"; return 1; }
  listening 11389 || { log "slapd: not listening, see $d/slapd.log"; return 1; }
}

start_postgres() {
  local d=$base/postgres bindir
  if up 15432; then return 0; fi
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV | head -1)
  [ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] || { log "postgres: not installed"; return 1; }
  id postgres >/dev/null 2>&1 || { log "postgres: no postgres user to run the server as"; return 1; }
  mkdir -p "$d"
  chown postgres "$d"
  chmod 700 "$d"
  if [ ! -f "$d/data/PG_VERSION" ]; then
    runuser -u postgres -- "$bindir/initdb" -D "$d/data" --auth=trust >"$d/initdb.log" 2>&1 \
      || { log "postgres: initdb failed, see $d/initdb.log"; return 1; }
  fi
  # PostgreSQL wants its key owned by the server's user and unreadable to others.
  install -o postgres -m 600 "$base/cert.pem" "$d/data/server.crt"
  install -o postgres -m 600 "$base/key.pem" "$d/data/server.key"
  (cd / && runuser -u postgres -- "$bindir/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \
      -o "-p 15432 -c listen_addresses=127.0.0.1 -k $d -c ssl=on" start >/dev/null) \
    || { log "postgres: did not start, see $d/server.log"; return 1; }
}

start_mariadb() {
  local d=$base/mariadb
  if up 13306; then return 0; fi
  command -v mariadbd >/dev/null || { log "mariadb: not installed"; return 1; }
  # Its own temporary directory: InnoDB cannot start without one it may write, and /tmp is not always 1777.
  mkdir -p "$d/tmp"
  chown mysql "$d" "$d/tmp"
  if [ ! -d "$d/data/mysql" ]; then
    rm -rf "$d/data"
    mariadb-install-db --user=mysql --datadir="$d/data" --tmpdir="$d/tmp" --skip-test-db >"$d/install.log" 2>&1 \
      || { log "mariadb: mariadb-install-db failed, see $d/install.log"; return 1; }
  fi
  nohup mariadbd --no-defaults --user=mysql --datadir="$d/data" --tmpdir="$d/tmp" --bind-address=127.0.0.1 --port=13306 \
      --socket="$d/mysqld.sock" --pid-file="$d/mariadbd.pid" --log-error="$d/error.log" \
      --ssl-cert="$base/cert.pem" --ssl-key="$base/key.pem" --skip-log-bin >/dev/null 2>&1 &
  listening 13306 || { log "mariadb: not listening, see $d/error.log"; return 1; }
}

start_prosody() {
  local d=$base/prosody
  if up 15222 && up 15269; then return 0; fi
  command -v prosody >/dev/null || { log "prosody: not installed"; return 1; }
  id prosody >/dev/null 2>&1 || { log "prosody: no prosody user to run the server as"; return 1; }
  mkdir -p "$d/data"
  chmod 755 "$d"
  chown prosody "$d/data"
  install -o prosody -m 600 "$base/key.pem" "$d/key.pem"
  cat >"$d/prosody.cfg.lua" <<CONF
pidfile = "$d/data/prosody.pid"
data_path = "$d/data"
log = { info = "$d/data/prosody.log" }
interfaces = { "127.0.0.1" }
c2s_ports = { 15222 }
s2s_ports = { 15269 }
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
modules_enabled = { "tls", "saslauth", "dialback", "disco" }
c2s_require_encryption = true
s2s_require_encryption = true
ssl = { certificate = "$base/cert.pem", key = "$d/key.pem" }
VirtualHost "localhost"
CONF
  chmod 644 "$d/prosody.cfg.lua"
  # Prosody refuses to run as root; in the foreground as its own user, no posix module needed.
  nohup runuser -u prosody -- prosody --config "$d/prosody.cfg.lua" -F >"$d/stdout.log" 2>&1 &
  echo $! >"$base/prosody.pid"
  listening 15222 && listening 15269 || { log "prosody: not listening, see $d/data/prosody.log"; return 1; }
}

start_postfix() {
  local d=$base/postfix
  if up 11025; then return 0; fi
  command -v postfix >/dev/null || { log "postfix: not installed"; return 1; }
  mkdir -p "$d/spool" "$d/data"
  chown postfix "$d/data"
  # A private instance: its own main.cf and master.cf (smtpd only, on the test port, not chrooted).
  cat >"$d/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $d/spool
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.heartguard.invalid
mydestination =
relay_domains =
maillog_file = /dev/stdout
smtpd_tls_cert_file = $base/cert.pem
smtpd_tls_key_file = $base/key.pem
smtpd_tls_security_level = may
CONF
  sed -e 's/^smtp \{1,\}inet .*/127.0.0.1:11025 inet n - n - - smtpd/' /etc/postfix/master.cf >"$d/master.cf"
  # start-fg (Postfix 3.3+): the master in the foreground, logging to stdout; without syslog, "postfix start" fails
  # silently here.
  nohup postfix -c "$d" start-fg >"$d/postfix.log" 2>&1 &
  listening 11025 || { log "postfix: not listening, see $d/postfix.log"; return 1; }
}

start_inn() {
  local d=$base/inn
  if up 11119; then return 0; fi
  [ -x /usr/lib/news/bin/rc.news ] && [ -f /etc/news/inn.conf ] || { log "inn2: not installed"; return 1; }
  mkdir -p "$d/run"
  chown news:news "$d/run"
  chmod 755 "$d"
  install -o news -m 600 "$base/key.pem" "$d/key.pem"
  # A private inn.conf (INNCONF): the test port, loopback, its own run directory, TLS, and no load limit (a busy CI
  # host would otherwise get "400 NNTP server unavailable"); no innwatch either, which pauses innd ("403 loadav",
  # then "502 Permission denied" to MODE READER) whenever the load average passes 15.
  grep -vE '^(domain|port|bindaddress|pathrun|nnrpdloadlimit|doinnwatch|tlscertfile|tlskeyfile):' /etc/news/inn.conf >"$d/inn.conf"
  cat >>"$d/inn.conf" <<CONF
domain: heartguard.invalid
port: 11119
bindaddress: 127.0.0.1
pathrun: $d/run
nnrpdloadlimit: 0
doinnwatch: false
tlscertfile: $base/cert.pem
tlskeyfile: $d/key.pem
CONF
  chmod 644 "$d/inn.conf"
  # rc.news starts innd (and innwatch, controlchan) and returns; its children keep stdout open, so it goes to a file.
  INNCONF=$d/inn.conf nohup runuser -u news -- /usr/lib/news/bin/rc.news >"$d/rc.news.log" 2>&1 &
  listening 11119 || { log "inn2: not listening, see $d/rc.news.log"; return 1; }
}

started=()
failed=()
for server in dovecot vsftpd slapd postgres mariadb prosody postfix inn; do
  if "start_$server"; then started+=("$server"); else failed+=("$server"); fi
done
up 11143 && echo "imap 11143"
up 11110 && echo "pop3 11110"
up 11024 && echo "lmtp 11024"
up 14190 && echo "sieve 14190"
up 11021 && echo "ftp 11021"
up 11389 && echo "ldap 11389"
up 15432 && echo "postgres 15432"
up 13306 && echo "mysql 13306"
up 15222 && echo "xmpp 15222"
up 15269 && echo "xmpp-server 15269"
up 11025 && echo "smtp 11025"
up 11119 && echo "nntp 11119"
if [ ${#failed[@]} -gt 0 ]; then
  log "running: ${started[*]:-none}; FAILED: ${failed[*]}"
  exit 1
fi
log "running: ${started[*]}"
