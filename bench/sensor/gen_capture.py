#!/usr/bin/env python3
"""Writes a classic pcap (Ethernet, IPv4) of mostly normal TLS 1.2 connections with Heartbleed attacks sprinkled in.

Each connection: three-way handshake; ClientHello; ServerHello + Certificate + ServerHelloDone (ECDHE-RSA-AES128-GCM);
ClientKeyExchange, ChangeCipherSpec, Finished both ways; a request, then a response of 1..16 application-data records
of 16 KB in 1448-byte segments, the receiver ACKing every second segment; FIN both ways. CONCURRENT connections are
open at once and their packets interleave (seeded, so the file is the same every time). Every ATTACK_EVERY-th
connection is an attack instead, alternating between a plaintext Heartbleed request before ChangeCipherSpec answered
by a 16 KB leak, and an encrypted heartbeat before any application data.

Usage: gen_capture.py OUT SIZE_MB [ATTACK_EVERY] [CONCURRENT]"""
import array
import random
import ssl
import struct
import sys

out, size_mb = sys.argv[1], int(sys.argv[2])
attack_every = int(sys.argv[3]) if len(sys.argv) > 3 else 500
concurrent = int(sys.argv[4]) if len(sys.argv) > 4 else 200
MSS = 1448
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
rng = random.Random(20140407)


def rec(t, body):
    return struct.pack('!BHH', t, 0x0303, len(body)) + body


def hs(t, body):
    return struct.pack('!B', t) + len(body).to_bytes(3, 'big') + body


def certificate():
    """A real DER certificate (the first CA in the system bundle) so that dissectors parse the flight."""
    try:
        with open('/etc/ssl/certs/ca-certificates.crt') as bundle:
            pem = bundle.read().split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n'
        return ssl.PEM_cert_to_DER_cert(pem[pem.index('-----BEGIN'):])
    except (OSError, ValueError):
        return b'\x30\x03\x02\x01\x00'


CERT = certificate()
CLIENT_HELLO = rec(22, hs(1, b'\x03\x03' + bytes(32) + b'\x00' + b'\x00\x04\xc0\x2f\x00\xff' + b'\x01\x00'
                           + b'\x00\x05' + b'\x00\x0f\x00\x01\x01'))  # heartbeat extension, peer_allowed_to_send
SERVER_FLIGHT = rec(22, hs(2, b'\x03\x03' + bytes(32) + b'\x00' + b'\xc0\x2f' + b'\x00' + b'\x00\x05'
                           + b'\x00\x0f\x00\x01\x01')
                    + hs(11, (len(CERT) + 3).to_bytes(3, 'big') + len(CERT).to_bytes(3, 'big') + CERT)
                    + hs(12, b'\x03\x00\x17\x41' + b'\x04' * 65 + b'\x04\x01\x01\x00' + b'\x5a' * 256)
                    + hs(14, b''))
CLIENT_FLIGHT = rec(22, hs(16, b'\x41' + b'\x04' * 65)) + rec(20, b'\x01') + rec(22, b'\xe1' * 40)
SERVER_FINISH = rec(20, b'\x01') + rec(22, b'\xe2' * 40)
REQUEST = rec(23, b'\xab' * 480)
RESPONSE_RECORD = rec(23, b'\xcd' * 16384)
# RFC 6520 section 4: type 1 (request), payload_length 16384, but the record holds 3 bytes: the Heartbleed exploit.
BLEED_REQUEST = rec(24, b'\x01\x40\x00')
BLEED_RESPONSE = rec(24, b'\x02\x40\x00' + b'\x77' * 16384 + b'\x00' * 16)
ENCRYPTED_HEARTBEAT = rec(24, b'\xee' * 24)


def checksum(data):
    """RFC 1071 Internet checksum, as the 2 bytes to write. Summed in native byte order: the one's-complement sum
    commutes with swapping bytes (RFC 1071 section 2(B)), so packing it back natively gives network order."""
    if len(data) & 1:
        data += b'\x00'
    s = sum(array.array('H', data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return struct.pack('=H', ~s & 0xffff)


def frame(src, dst, sport, dport, seq, ack, flags, payload):
    """Valid IPv4 and TCP checksums, as a capture off the wire has them, so the sensor checks every packet."""
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + checksum(ip) + ip[12:]
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack('!BBH', 0, 6, 20 + len(payload))
    tcp = tcp[:16] + checksum(pseudo + tcp + payload) + tcp[18:]
    return b'\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00' + ip + tcp + payload


def connection(n):
    """The packets of connection n, in order."""
    c = struct.pack('!I', 0x0a000000 | (n % 65000 + 1))
    s = struct.pack('!I', 0xc0a80000 | (n % 7 + 1))
    cp, sp = 1024 + n % 60000, 443
    cseq, sseq = rng.getrandbits(32), rng.getrandbits(32)
    pkts = []

    def send(from_client, data, flags=PSH | ACK):
        nonlocal cseq, sseq
        segments = 0
        for i in range(0, len(data), MSS):
            chunk = data[i:i + MSS]
            if from_client:
                pkts.append(frame(c, s, cp, sp, cseq, sseq, flags, chunk))
                cseq += len(chunk)
            else:
                pkts.append(frame(s, c, sp, cp, sseq, cseq, flags, chunk))
                sseq += len(chunk)
            segments += 1
            if segments % 2 == 0 or i + MSS >= len(data):  # delayed ACK from the receiver
                pkts.append(frame(s, c, sp, cp, sseq, cseq, ACK, b'') if from_client
                            else frame(c, s, cp, sp, cseq, sseq, ACK, b''))

    pkts.append(frame(c, s, cp, sp, cseq, 0, SYN, b''))
    cseq += 1
    pkts.append(frame(s, c, sp, cp, sseq, cseq, SYN | ACK, b''))
    sseq += 1
    pkts.append(frame(c, s, cp, sp, cseq, sseq, ACK, b''))
    attack = n % attack_every == 0
    send(True, CLIENT_HELLO)
    send(False, SERVER_FLIGHT)
    if attack and (n // attack_every) % 2 == 1:
        send(True, BLEED_REQUEST)
        send(False, BLEED_RESPONSE)
    else:
        send(True, CLIENT_FLIGHT)
        send(False, SERVER_FINISH)
        if attack:
            send(True, ENCRYPTED_HEARTBEAT)
        send(True, REQUEST)
        send(False, RESPONSE_RECORD * rng.randint(1, 16))
    pkts.append(frame(c, s, cp, sp, cseq, sseq, FIN | ACK, b''))
    cseq += 1
    pkts.append(frame(s, c, sp, cp, sseq, cseq, FIN | ACK, b''))
    sseq += 1
    pkts.append(frame(c, s, cp, sp, cseq, sseq, ACK, b''))
    return pkts


with open(out, 'wb', buffering=1 << 22) as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    written, started, packets, ts = 24, 0, 0, 1_400_000_000 * 1_000_000
    limit = size_mb * 1_000_000
    slots = []  # [packets, next index]
    while written < limit or slots:
        while written < limit and len(slots) < concurrent:
            started += 1
            slots.append([connection(started), 0])
        i = rng.randrange(len(slots))
        slot = slots[i]
        data = slot[0][slot[1]]
        slot[1] += 1
        if slot[1] == len(slot[0]):
            slots[i] = slots[-1]
            slots.pop()
        ts += 7
        f.write(struct.pack('<IIII', ts // 1_000_000, ts % 1_000_000, len(data), len(data)))
        f.write(data)
        written += 16 + len(data)
        packets += 1
print(f"{out}: {written / 1e6:.0f} MB, {packets} packets, {started} connections, {started // attack_every} attacks")
