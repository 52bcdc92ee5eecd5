// The AuthHost web console: plain JavaScript over the JSON API under /console/api/.
// Every value from the host is put in the page as text (textContent), never as HTML.
'use strict';

const API = '/console/api/';
let session = null;
const state = {
  events: { before: 0, newest: 0, oldest: 0, follow: null },
  audit: { before: 0, newest: 0, oldest: 0, follow: null },
  accounts: { offset: 0, limit: 50, total: 0 },
  nowTimer: null,
  details: null,
};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k === 'title' || k === 'type' || k === 'value') e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function say(text, ok) {
  const m = document.getElementById('message');
  if (!m) return; // signed out: the page says so already
  m.textContent = text;
  m.className = ok ? 'ok' : 'error';
  m.dataset.kind = ok ? 'ok' : 'error';
  m.hidden = false;
}

async function call(method, route, body, poll) {
  const headers = {};
  // An automatic refresh does not keep the session alive: the idle time-out still ends it.
  if (poll) headers['X-AuthHost-Poll'] = '1';
  if (method !== 'GET') headers['X-AuthHost-CSRF'] = session ? session.csrf : '';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // Against the origin: a page opened as http://user:pw@host/ keeps the credentials in its URL,
  // and fetch refuses a URL that carries them.
  const r = await fetch(new URL(API + route, location.origin), {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) {
    // The API answers 401 only for a missing or ended session (a route that one day answers 401
    // for anything else must not come through here). The session ended (idle time-out, sign-out elsewhere): say so, and let the operator ask for
    // the logon again (the next page load gets fresh challenges, whatever the browser cached).
    signedOut('Your console session has ended: it was idle too long, or it was signed out elsewhere.');
    throw new Error('signed out');
  }
  const data = await r.json().catch(() => ({ error: 'HTTP ' + r.status }));
  if (!r.ok) throw new Error(data.error || ('HTTP ' + r.status));
  return data;
}

async function change(method, route, body, done) {
  try {
    const data = await call(method, route, body);
    say(done(data), true);
    return data;
  } catch (e) {
    say(e.message, false);
    return null;
  }
}

// The page after a sign-out or a session's end: the console itself is gone from it.
function signedOut(why) {
  clearInterval(state.nowTimer);
  for (const kind of ['events', 'audit']) clearInterval(state[kind].follow);
  document.title = 'Signed out - AuthHost console';
  document.body.className = 'signed-out';
  document.body.replaceChildren(el('main', { id: 'signed-out', 'data-test': 'signed-out' },
    el('h1', { text: 'You are signed out' }),
    el('p', { text: why }),
    el('p', { class: 'hint', text: 'Your browser may still hold the password you gave: the console asks for it '
      + 'again (a fresh logon prompt) when you sign in. Close the browser to forget it.' }),
    el('p', {}, el('a', { id: 'sign-in-again', 'data-test': 'sign-in-again', href: '/console/', class: 'button',
      text: 'Sign in again' }))));
}

function fill(tbody, rows, empty) {
  const columns = tbody.closest('table').querySelectorAll('thead th').length;
  tbody.replaceChildren(...(rows.length || !empty ? rows : [emptyRow(columns, empty)]));
}

// A list that was read and is empty says so, rather than look not loaded.
function emptyRow(columns, text) {
  return el('tr', { 'data-test': 'empty' }, el('td', { colSpan: columns, class: 'empty', text }));
}

function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}

function badge(kind, text) {
  return el('span', { class: 'badge ' + kind, 'data-test': 'status', text });
}

// ---- Plug-ins

function pluginBadge(p) {
  if (p.state === 'REFUSED' || p.statusText.includes('ERROR')) return badge('error', 'ERROR');
  if (p.state === 'DRAINING') return badge('warn', 'DRAINING');
  if (p.state === 'SUPERSEDED') return badge('off', 'SUPERSEDED');
  if (p.enabled) return badge('ok', 'ENABLED');
  return badge('off', 'DISABLED');
}

function actionButton(action, id, label) {
  return el('button', { type: 'button', class: action === 'details' ? '' : 'change',
    'data-action': action, 'data-plugin': id, text: label });
}

// Where the plug-in is offered; while it is disabled or in error, where it would be.
function offeredAt(p) {
  const inError = pluginBadge(p).textContent === 'ERROR';
  const mark = p.enabled && !inError ? '' : inError ? ' (in error)' : ' (disabled)';
  return el('td', { 'data-test': 'offered-at',
    text: (p.points || []).map(n => n + mark).join(', ') || '—',
    title: mark ? 'not offered now: the plug-in is' + mark.slice(1, -1) + '; these points would offer it' : '' });
}

// Roll back only when the host kept the version the current one replaced.
function rollbackButton(p) {
  const b = actionButton('rollback', p.id, 'Roll back');
  if (p.rollbackTo) {
    b.title = 'bring back version ' + p.rollbackTo + ', which the current one replaced';
  } else {
    b.disabled = true;
    b.title = 'nothing to roll back to: the host keeps the version a replacement retires, '
      + 'and this one has replaced none since the host started';
  }
  return b;
}

async function loadPlugins() {
  const list = await call('GET', 'plugins');
  const rows = list.map(p => {
    const current = p.state === 'CURRENT';
    const actions = el('td', { class: 'actions' });
    if (current) {
      actions.append(p.enabled ? actionButton('disable', p.id, 'Disable') : actionButton('enable', p.id, 'Enable'),
        actionButton('reload', p.id, 'Reload'), rollbackButton(p),
        actionButton('details', p.id, 'Properties'));
    }
    const error = p.errorText ? (p.errorName || p.errorCode) + ': ' + p.errorText : '';
    return el('tr', { 'data-plugin': p.id, 'data-state': p.state, 'data-enabled': String(p.enabled) },
      el('td', {}, pluginBadge(p)),
      el('td', { text: p.id, title: p.description || '' }),
      el('td', { text: p.version }),
      el('td', { text: p.protocol || '—' }),
      el('td', { text: p.state.toLowerCase(), title: 'status: ' + p.statusText }),
      el('td', { text: p.apiVersion || '—' }),
      el('td', { class: 'error', 'data-test': 'error-text', text: error }),
      offeredAt(p),
      actions);
  });
  fill(document.querySelector('#plugins-table tbody'), rows, 'no plug-ins in the folder');
  if (state.details) showDetails(list.find(p => p.id === state.details && p.state === 'CURRENT'));
  await loadTroubleshooting();
  return list;
}

function showDetails(p) {
  const box = document.getElementById('plugin-details');
  if (!p) { box.hidden = true; state.details = null; return; }
  state.details = p.id;
  box.hidden = false;
  box.dataset.plugin = p.id;
  document.getElementById('plugin-details-title').textContent = 'Plug-in ' + p.id + ' ' + p.version;
  const facts = [['File', p.file], ['SHA-256', p.sha256], ['Signer', p.signer], ['Status', p.statusText],
    ['ErrorCode', p.errorCode + (p.errorName ? ' ' + p.errorName : '')], ['ErrorText', p.errorText || '—'],
    ['Flags', p.flagsText], ['Package', p.packageName], ['API version', p.apiVersion],
    ['Declared capabilities', (p.declaredCapabilities || []).join(', ') || '—'],
    ['Held capabilities', (p.capabilities || []).join(', ') || '—']];
  document.getElementById('plugin-facts').replaceChildren(
    ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { class: 'mono', 'data-fact': k, text: v || '' })]));
  fill(document.querySelector('#plugin-properties tbody'), (p.properties || []).map(v => {
    const input = el('input', { 'data-test': 'property-value', size: 40, type: v.secret ? 'password' : 'text' });
    input.value = v.secret ? '' : v.value;
    if (v.secret) { input.placeholder = '(hidden: type a new value)'; input.dataset.secret = 'true'; }
    return el('tr', { 'data-property': v.name },
      el('td', { class: 'mono', text: v.name }), el('td', {}, input),
      el('td', { class: 'actions' },
        el('button', { type: 'button', class: 'change', 'data-action': 'save-property', text: 'Save' }),
        el('button', { type: 'button', class: 'change', 'data-action': 'remove-property', text: 'Remove' })));
  }));
}

async function setProperty(id, name, value) {
  const data = await change('PUT', 'plugins/' + encodeURIComponent(id) + '/properties', { name, value },
    d => 'Named value ' + name + ' of ' + id + (value === null ? ' removed' : ' set') + '; ' + d.writeBack);
  if (data) await loadPlugins();
}

async function loadTroubleshooting() {
  const t = await call('GET', 'troubleshooting');
  document.getElementById('troubleshooting-count').textContent =
    plural(t.entries.length, 'entry', 'entries') + (t.dropped ? ', ' + t.dropped + ' dropped' : '');
  fill(document.querySelector('#troubleshooting-table tbody'), t.entries.map(e =>
    el('tr', { 'data-entry': e.sequence },
      el('td', { class: 'mono', text: e.time }), el('td', { text: e.type }), el('td', { text: e.source }),
      el('td', { class: 'mono', text: e.hresult + (e.hresultName ? ' ' + e.hresultName : '') }),
      el('td', { class: 'text', text: e.text }))), 'no entries');
}

// ---- Events and audit

function filters(kind) {
  const form = document.getElementById(kind + '-filter');
  const q = new URLSearchParams();
  for (const input of form.querySelectorAll('[name]')) if (input.value.trim()) q.set(input.name, input.value.trim());
  return q;
}

function eventRow(e) {
  return el('tr', { 'data-record': e.record, 'data-level': e.level, class: 'level-' + e.level },
    el('td', { class: 'mono', text: e.record }), el('td', { class: 'mono', text: e.time }),
    el('td', { class: 'level', text: e.level }), el('td', { text: e.source }),
    el('td', { class: 'mono', text: e.hresult + (e.hresultName ? ' ' + e.hresultName : '') }),
    el('td', { class: 'text', text: e.text }));
}

async function loadEvents(kind, before) {
  const s = state[kind];
  const q = filters(kind);
  if (before) q.set('before', before);
  const page = await call('GET', kind + '?' + q);
  s.before = before || 0;
  s.oldest = page.oldest;
  if (!before) s.newest = page.newest || page.lastRecord;
  document.getElementById(kind + '-older').disabled = !page.more;
  document.getElementById(kind + '-range').textContent = page.events.length
    ? 'records ' + page.oldest + '–' + page.newest + (page.more ? ' (older ones exist)' : '')
    : 'no records match';
  fill(document.querySelector('#' + kind + '-table tbody'), page.events.map(eventRow), 'no records match');
}

async function followEvents(kind) {
  const s = state[kind];
  if (s.before) return; // reading an older page: nothing new to add there
  // A burst larger than a page comes oldest page first, with "more": ask again until none is left.
  for (let pages = 0; pages < 20; pages++) {
    const q = filters(kind);
    q.set('after', s.newest);
    const page = await call('GET', kind + '?' + q, undefined, true);
    if (page.events.length) {
      const tbody = document.querySelector('#' + kind + '-table tbody');
      tbody.prepend(...page.events.map(eventRow));
      while (tbody.rows.length > 200) tbody.deleteRow(tbody.rows.length - 1);
    }
    // Past what the server read, matching or not: the next poll starts there.
    if (page.newest > s.newest) s.newest = page.newest;
    if (!page.more || !page.events.length) break;
  }
}

function setFollow(kind, on) {
  const s = state[kind];
  if (s.follow) { clearInterval(s.follow); s.follow = null; }
  if (on) s.follow = setInterval(() => followEvents(kind).catch(e => say(e.message, false)), 2000);
}

async function loadLockouts() {
  const list = await call('GET', 'lockouts');
  fill(document.querySelector('#lockouts-table tbody'), list.map(l =>
    el('tr', { 'data-lockout': l.type + ':' + l.name },
      el('td', { text: l.type }), el('td', { text: l.name }), el('td', { class: 'mono', text: l.until }),
      el('td', { class: 'actions' }, el('button', { type: 'button', class: 'change', 'data-action': 'unlock',
        'data-type': l.type, 'data-name': l.name, text: 'Unlock' })))), 'no lockouts');
}

async function unlock(type, name) {
  const data = await change('POST', 'lockouts/unlock', { type, name },
    d => (d.wasLockedOut ? 'Unlocked ' : 'Was not locked out; its failed logons cleared: ') + type + ' ' + name);
  if (data) await Promise.all([loadLockouts(), loadEvents('audit')]);
}

// ---- Publishing points

async function loadPoints() {
  const account = document.getElementById('points-account').value.trim();
  const list = await call('GET', 'points' + (account ? '?account=' + encodeURIComponent(account) : ''));
  fill(document.querySelector('#points-table tbody'), list.map(p => {
    const may = p.access ? Object.entries(p.access).filter(([, v]) => v).map(([k]) => k).join(', ') || 'nothing' : '—';
    return el('tr', { 'data-point': p.name },
      el('td', { text: p.name }), el('td', { class: 'mono', text: p.prefix }), el('td', { text: p.front }),
      el('td', { class: 'mono', text: p.serves }),
      el('td', { text: p.plugins.join(', ') + (p.ownPluginList ? '' : ' (server list)') }),
      el('td', { class: 'text', text: p.acl.map(a => a.type + ' ' + a.principal + ': ' + a.rights.join('+')).join('\n') }),
      el('td', { class: 'mono', text: p.ipAllow.join(', ') || 'all' }),
      el('td', { class: 'mono', text: p.ipDeny.join(', ') || '—' }),
      el('td', { 'data-test': 'access', text: may }));
  }), 'no publishing points');
}

// ---- Accounts

async function loadAccounts() {
  const a = state.accounts;
  const q = new URLSearchParams({ offset: a.offset, limit: a.limit });
  const search = document.getElementById('accounts-search').value.trim();
  if (search) q.set('q', search);
  const page = await call('GET', 'accounts?' + q);
  a.total = page.total;
  document.getElementById('accounts-range').textContent = page.total
    ? (a.offset + 1) + '–' + (a.offset + page.accounts.length) + ' of ' + page.total : 'no accounts match';
  document.getElementById('accounts-prev').disabled = a.offset === 0;
  document.getElementById('accounts-next').disabled = a.offset + a.limit >= page.total;
  fill(document.querySelector('#accounts-table tbody'), page.accounts.map(u =>
    el('tr', { 'data-account': u.name, 'data-disabled': String(u.disabled) },
      el('td', {}, u.disabled ? badge('off', 'DISABLED') : badge('ok', 'ENABLED')),
      el('td', { text: u.qualifiedName }), el('td', { text: u.fullName }),
      el('td', { text: u.groups.join(', ') }), el('td', { text: u.passwordSet ? 'yes' : 'no' }),
      el('td', { class: 'actions' },
        el('button', { type: 'button', class: 'change', 'data-action': u.disabled ? 'enable' : 'disable',
          'data-account': u.name, text: u.disabled ? 'Enable' : 'Disable' }),
        el('button', { type: 'button', class: 'change', 'data-action': 'password', 'data-account': u.name,
          text: 'Reset password' })))), 'no accounts match');
}

// ---- Now

async function loadNow(poll) {
  const n = await call('GET', 'now', undefined, poll);
  document.getElementById('now-time').textContent = 'as of ' + n.time;
  const shown = [['connections', 'Connections open (HTTP and RTSP)'], ['handshakesInProgress', 'Handshakes in progress'],
    ['requestsPerSecond', 'Requests per second'], ['lockouts', 'Lockouts in force'],
    ['consoleSessions', 'Console sessions'], ['plugins', 'Plug-ins'], ['lastRecord', 'Last event record']];
  document.getElementById('now-figures').replaceChildren(...shown.flatMap(([k, label]) => [
    el('dt', { text: label }),
    el('dd', { 'data-figure': k, text: n[k] === null || n[k] === undefined ? 'not measured' : n[k] })]));
  const logons = n.logonsLastMinute;
  fill(document.querySelector('#now-logons tbody'), logons.length ? logons.map(l =>
    el('tr', { 'data-plugin': l.plugin, 'data-result': l.result },
      el('td', { text: l.plugin }), el('td', {}, badge(resultKind(l.result), l.result)),
      el('td', { 'data-test': 'count', text: l.count }))) : [emptyRow(3, 'no logons in the last minute')]);
}

function resultKind(result) {
  if (result === 'success') return 'ok';
  if (result === 'continue' || result === 'refused') return 'off';
  if (result === 'denied' || result === 'lockout' || result === 'forbidden') return 'warn';
  return 'error';
}

// ---- Panes

const loaders = {
  plugins: loadPlugins,
  events: () => loadEvents('events'),
  audit: () => Promise.all([loadLockouts(), loadEvents('audit')]),
  points: loadPoints,
  accounts: loadAccounts,
  now: loadNow,
};

async function show(pane) {
  if (!loaders[pane]) pane = 'plugins';
  for (const s of document.querySelectorAll('.pane')) s.hidden = s.id !== 'pane-' + pane;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.pane === pane);
  // The last change's result belongs to the pane it was made on.
  if (document.body.dataset.pane && document.body.dataset.pane !== pane) document.getElementById('message').hidden = true;
  document.body.dataset.pane = pane;
  clearInterval(state.nowTimer);
  if (pane === 'now') state.nowTimer = setInterval(() => loadNow(true).catch(() => {}), 5000);
  try {
    await loaders[pane]();
    document.body.dataset.loaded = pane;
    // The browser's own clock, for the render benchmark: navigation start to this pane settled.
    performance.mark('authhost-loaded-' + pane);
  } catch (e) {
    say(e.message, false);
  }
}

function wire() {
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  document.getElementById('sign-out').addEventListener('click', async () => {
    try { await call('POST', 'signout'); } catch (e) { /* signed out either way */ }
    signedOut('Your console session is closed on the host.');
  });
  document.getElementById('plugins-refresh').addEventListener('click', () => loadPlugins());
  document.getElementById('plugins-reload-all').addEventListener('click', async () => {
    const d = await change('POST', 'plugins/reload', undefined, d => 'Reload: ' + (d.done.join('; ') || 'nothing changed'));
    if (d) await loadPlugins();
  });
  document.getElementById('plugins-table').addEventListener('click', async ev => {
    const b = ev.target.closest('button[data-action]');
    if (!b) return;
    const id = b.dataset.plugin;
    if (b.dataset.action === 'details') {
      const list = await call('GET', 'plugins');
      showDetails(list.find(p => p.id === id && p.state === 'CURRENT'));
      return;
    }
    const d = await change('POST', 'plugins/' + encodeURIComponent(id) + '/' + b.dataset.action, undefined,
      d => b.dataset.action === 'enable' || b.dataset.action === 'disable'
        ? 'Plug-in ' + id + ' ' + b.dataset.action + 'd; ' + d.writeBack
        : b.dataset.action + ' ' + id + ': ' + d.done.join('; '));
    if (d) await loadPlugins();
  });
  document.getElementById('plugin-properties').addEventListener('click', ev => {
    const b = ev.target.closest('button[data-action]');
    if (!b) return;
    const row = b.closest('tr');
    const input = row.querySelector('input');
    if (b.dataset.action === 'save-property' && input.dataset.secret && !input.value) {
      say('Type the new value of ' + row.dataset.property + ' first: its current value is never shown', false);
      return;
    }
    const value = b.dataset.action === 'remove-property' ? null : input.value;
    setProperty(state.details, row.dataset.property, value);
  });
  document.getElementById('property-add').addEventListener('submit', ev => {
    ev.preventDefault();
    setProperty(state.details, document.getElementById('property-name').value.trim(),
      document.getElementById('property-value').value);
  });
  document.getElementById('troubleshooting-clear').addEventListener('click', async () => {
    const d = await change('DELETE', 'troubleshooting', undefined, d => 'Cleared ' + d.cleared + ' entries');
    if (d) await loadTroubleshooting();
  });
  for (const kind of ['events', 'audit']) {
    document.getElementById(kind + '-filter').addEventListener('submit', ev => {
      ev.preventDefault();
      loadEvents(kind).catch(e => say(e.message, false));
    });
    document.getElementById(kind + '-newest').addEventListener('click', () => loadEvents(kind).catch(e => say(e.message, false)));
    document.getElementById(kind + '-older').addEventListener('click', () =>
      loadEvents(kind, state[kind].oldest).catch(e => say(e.message, false)));
    document.getElementById(kind + '-follow').addEventListener('change', ev => setFollow(kind, ev.target.checked));
  }
  document.getElementById('lockouts-table').addEventListener('click', ev => {
    const b = ev.target.closest('button[data-action=unlock]');
    if (b) unlock(b.dataset.type, b.dataset.name);
  });
  document.getElementById('unlock-form').addEventListener('submit', ev => {
    ev.preventDefault();
    unlock(document.getElementById('unlock-type').value, document.getElementById('unlock-name').value.trim());
  });
  document.getElementById('points-form').addEventListener('submit', ev => {
    ev.preventDefault();
    loadPoints().catch(e => say(e.message, false));
  });
  document.getElementById('accounts-search').addEventListener('change', () => { state.accounts.offset = 0; loadAccounts(); });
  document.getElementById('accounts-prev').addEventListener('click', () => {
    state.accounts.offset = Math.max(0, state.accounts.offset - state.accounts.limit); loadAccounts();
  });
  document.getElementById('accounts-next').addEventListener('click', () => {
    state.accounts.offset += state.accounts.limit; loadAccounts();
  });
  document.getElementById('accounts-table').addEventListener('click', async ev => {
    const b = ev.target.closest('button[data-action]');
    if (!b) return;
    const name = b.dataset.account;
    if (b.dataset.action === 'password') {
      document.getElementById('password-account').value = name;
      document.getElementById('password-new').focus();
      return;
    }
    const d = await change('POST', 'accounts/' + encodeURIComponent(name) + '/' + b.dataset.action, undefined,
      () => 'Account ' + name + ' ' + b.dataset.action + 'd');
    if (d) await loadAccounts();
  });
  document.getElementById('account-add').addEventListener('submit', async ev => {
    ev.preventDefault();
    const groups = document.getElementById('account-groups').value.split(',').map(s => s.trim()).filter(Boolean);
    const d = await change('POST', 'accounts', {
      name: document.getElementById('account-name').value.trim(),
      fullName: document.getElementById('account-fullname').value,
      password: document.getElementById('account-password').value, groups,
    }, d => 'Added account ' + d.qualifiedName);
    if (d) { ev.target.reset(); await loadAccounts(); }
  });
  document.getElementById('password-form').addEventListener('submit', async ev => {
    ev.preventDefault();
    const name = document.getElementById('password-account').value.trim();
    const d = await change('POST', 'accounts/' + encodeURIComponent(name) + '/password',
      { password: document.getElementById('password-new').value }, () => 'Password of ' + name + ' reset');
    if (d) ev.target.reset();
  });
  const membership = async add => {
    const name = document.getElementById('membership-account').value.trim();
    const group = document.getElementById('membership-group').value.trim();
    const d = await change(add ? 'PUT' : 'DELETE',
      'accounts/' + encodeURIComponent(name) + '/groups/' + encodeURIComponent(group), undefined,
      () => (add ? 'Added ' + name + ' to ' : 'Removed ' + name + ' from ') + group);
    if (d) await loadAccounts();
  };
  document.getElementById('membership-form').addEventListener('submit', ev => { ev.preventDefault(); membership(true); });
  document.getElementById('membership-remove').addEventListener('click', () => membership(false));
}

async function start() {
  wire();
  try {
    session = await call('GET', 'session');
  } catch (e) {
    say(e.message, false);
    return;
  }
  document.getElementById('whoami').textContent = session.account;
  document.getElementById('role').textContent = session.role;
  document.getElementById('server-name').textContent = session.serverName;
  document.body.classList.toggle('read-only', !session.administrator);
  document.body.dataset.role = session.administrator ? 'administrator' : 'operator';
  await show(location.hash.slice(1) || 'plugins');
}

document.addEventListener('DOMContentLoaded', start);
