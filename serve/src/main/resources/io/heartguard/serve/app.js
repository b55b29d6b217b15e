// heartguard serve: progressive enhancement only; every page works without this file.
// Text from the server is set with textContent, never parsed as HTML: host names are attacker-controlled.
'use strict';

(function () {
  var TERMINAL = { done: true, interrupted: true };

  function followCheck(section) {
    var id = section.getAttribute('data-check-id');
    if (!id || TERMINAL[section.getAttribute('data-status')]) { return; }
    var progress = document.getElementById('progress');
    var reloading = false;
    function update(status) {
      if (reloading) { return; }
      if (TERMINAL[status]) {
        reloading = true;
        window.location.reload(); // the server renders the full result, evidence and advice
      } else if (progress && status === 'running') {
        progress.textContent = 'Running: connecting, saying hello and sending the heartbeat.';
      }
    }
    function poll() {
      fetch('/api/v1/checks/' + encodeURIComponent(id), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (check) { update(check.status); if (!reloading) { setTimeout(poll, 1500); } })
        .catch(function () { setTimeout(poll, 3000); });
    }
    if (window.EventSource) {
      var events = new EventSource('/api/v1/checks/' + encodeURIComponent(id) + '/events');
      events.addEventListener('status', function (e) {
        var data = JSON.parse(e.data);
        if (TERMINAL[data.status]) { events.close(); }
        update(data.status);
      });
      events.onerror = function () { events.close(); if (!reloading) { poll(); } };
    } else {
      poll();
    }
  }

  var WORDS = { VULNERABLE: 'VULNERABLE', NOT_VULNERABLE: 'NOT VULNERABLE', INCONCLUSIVE: 'INCONCLUSIVE',
    interrupted: 'INTERRUPTED: no result', pending: 'Checking…', error: 'Not checked' };
  var PARALLEL = 4;

  function setVerdict(cell, state, words) {
    cell.setAttribute('data-verdict', state);
    cell.className = 'verdict verdict-' + state;
    cell.textContent = words || WORDS[state] || state;
  }

  function wait(seconds) { return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); }); }

  function submit(target, protocol) {
    return fetch('/api/v1/checks', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ target: target, protocol: protocol })
    }).then(function (r) {
      if (r.status === 429 || r.status === 503) {
        var after = parseInt(r.headers.get('Retry-After') || '5', 10);
        return wait(Math.min(Math.max(after, 1), 60)).then(function () { return submit(target, protocol); });
      }
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  function follow(id) {
    return fetch('/api/v1/checks/' + encodeURIComponent(id), { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (check) {
        if (TERMINAL[check.status]) { return check; }
        return wait(1).then(function () { return follow(id); });
      });
  }

  function bulk() {
    var button = document.getElementById('check-all');
    var textarea = document.getElementById('targets');
    var table = document.getElementById('bulk-results');
    var status = document.getElementById('bulk-status');
    if (!button || !textarea || !table) { return; }
    button.addEventListener('click', function () {
      var seen = {};
      var targets = textarea.value.split(/\r?\n/).map(function (s) { return s.trim(); })
        .filter(function (s) { if (!s || seen[s]) { return false; } seen[s] = true; return true; });
      var protocol = document.getElementById('bulk-protocol').value;
      var body = table.tBodies[0];
      while (body.firstChild) { body.removeChild(body.firstChild); }
      var rows = targets.map(function (t) {
        var tr = document.createElement('tr');
        tr.setAttribute('data-target', t);
        var name = document.createElement('td'); name.className = 'target'; name.textContent = t;
        var verdict = document.createElement('td'); setVerdict(verdict, 'pending');
        var link = document.createElement('td');
        tr.appendChild(name); tr.appendChild(verdict); tr.appendChild(link);
        body.appendChild(tr);
        return { target: t, verdict: verdict, link: link };
      });
      var next = 0, finished = 0;
      status.textContent = 'Checking ' + rows.length + ' servers…';
      function one() {
        if (next >= rows.length) { return Promise.resolve(); }
        var row = rows[next++];
        return submit(row.target, protocol).then(function (answer) {
          if (!answer.body.id) {
            setVerdict(row.verdict, 'error', answer.body.error || ('HTTP ' + answer.status));
            return null;
          }
          var a = document.createElement('a');
          a.href = '/checks/' + encodeURIComponent(answer.body.id);
          a.textContent = 'details';
          row.link.appendChild(a);
          return follow(answer.body.id).then(function (check) {
            if (check.status === 'interrupted') { setVerdict(row.verdict, 'interrupted'); }
            else { setVerdict(row.verdict, check.result ? check.result.verdict : 'INCONCLUSIVE'); }
          });
        }).catch(function () { setVerdict(row.verdict, 'error', 'Not checked: network error'); })
          .then(function () {
            finished++;
            status.textContent = finished + ' of ' + rows.length + ' checked.';
            return one();
          });
      }
      for (var i = 0; i < Math.min(PARALLEL, rows.length); i++) { one(); }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var section = document.getElementById('result');
    if (section) { followCheck(section); }
    bulk();
  });
})();
