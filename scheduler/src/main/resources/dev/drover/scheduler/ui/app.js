// Drover's dashboard: one snapshot, then small deltas over server-sent events. No build step, no
// library: the DOM and an SVG polyline. Every value from the server goes in through textContent.
'use strict';

const ORDER = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'RUNNING'];
const state = { user: null, admin: false, csrf: null, jobs: new Map(), queue: null, fleet: null,
  selected: null, detail: null, history: new Map(), source: null, why: null, whyBusy: false, whyAgain: false };

const $ = (sel) => document.querySelector(sel);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(k == null ? '' : String(k)));
  return e;
}
function fig(label, value) { return el('div', { class: 'fig' }, el('b', {}, value), el('small', {}, label)); }
function done(job) { return ORDER.filter((s) => s !== 'RUNNING').reduce((n, s) => n + (job.counts[s] || 0), 0); }
function usd(x) { return x == null ? '–' : x === 0 ? '$0' : '$' + (x < 0.01 ? x.toFixed(6) : x.toFixed(2)); }
function ago(ms) { const s = Math.max(0, Math.round((Date.now() - ms) / 1000)); return s < 90 ? s + ' s' : Math.round(s / 60) + ' min'; }
function isFinal(job) { return job.state === 'DONE' || job.state === 'CANCELLED'; }

async function start() {
  const r = await fetch('/session', { credentials: 'same-origin' });
  if (r.status === 401) { $('#signin').classList.remove('hidden'); return; }
  const s = await r.json();
  state.user = s.user; state.admin = s.admin; state.csrf = s.csrf || null;
  $('#who').textContent = 'signed in as ' + s.user + (s.admin ? ' (admin)' : '');
  $('#app').classList.remove('hidden');
  connect();
}

function connect() {
  if (state.source) state.source.close();
  const url = '/events' + (state.selected ? '?job=' + encodeURIComponent(state.selected) : '');
  const src = new EventSource(url);
  state.source = src;
  src.addEventListener('snapshot', (e) => { apply(JSON.parse(e.data)); });
  src.addEventListener('delta', (e) => { apply(JSON.parse(e.data)); });
  src.onopen = () => $('#live').className = 'live on';
  src.onerror = () => {
    $('#live').className = 'live off';
    // the browser retries a broken stream itself, but not a refused one (a 503 while a dead replica's jobs pass
    // to another): open it again; every stream starts with a snapshot, so nothing is missed or counted twice
    if (src.readyState === EventSource.CLOSED && state.source === src) setTimeout(() => { if (state.source === src) connect(); }, 2000);
  };
}

function apply(d) {
  if (d.jobs) for (const j of d.jobs) state.jobs.set(j.jobId, j);
  if (d.queue) state.queue = d.queue;
  if (d.fleet) state.fleet = d.fleet;
  if ('detail' in d) { state.detail = d.detail; if (d.detail) loadWhy(); }
  render();
}

// tasks/s over time of every unfinished job, sampled once a second from what the stream told us
setInterval(() => {
  const now = Date.now();
  for (const j of state.jobs.values()) {
    const h = state.history.get(j.jobId) || [];
    if (isFinal(j) && h.length && h[h.length - 1].done === done(j)) continue;
    h.push({ t: now, done: done(j) });
    while (h.length > 301) h.shift();
    state.history.set(j.jobId, h);
  }
  if (state.selected) renderRate();
}, 1000);

function render() { renderJobs(); renderDetail(); renderWhy(); renderQueue(); renderFleet(); }

function bar(job) {
  const b = el('div', { class: 'bar' });
  for (const s of ORDER) {
    const n = job.counts[s] || 0;
    if (n > 0) { const seg = el('span', { class: s, title: s + ': ' + n }); seg.style.width = (100 * n / job.total) + '%'; b.append(seg); }
  }
  return b;
}

function renderJobs() {
  const jobs = [...state.jobs.values()].sort((a, b) => b.submittedAt - a.submittedAt);
  $('#nojobs').classList.toggle('hidden', jobs.length > 0);
  const body = el('tbody');
  for (const j of jobs) {
    const n = done(j);
    const tr = el('tr', { 'data-job': j.jobId, 'data-state': j.state, 'data-done': String(n), class: j.jobId === state.selected ? 'sel' : '' },
      el('td', { class: 'mono' }, j.jobId.length > 12 ? j.jobId.slice(0, 12) + '…' : j.jobId),
      el('td', {}, j.name), el('td', {}, j.owner),
      el('td', {}, el('span', { class: 'state ' + j.state }, j.state)),
      el('td', {}, bar(j), el('div', { class: 'bar-text' }, n + ' / ' + j.total + ' done' + (j.counts.RUNNING ? ', ' + j.counts.RUNNING + ' running' : ''))),
      el('td', {}, j.tasksPerSecond), el('td', {}, usd(j.costUsd)), el('td', {}));
    tr.title = j.jobId;
    if (j.owner === state.user && !isFinal(j)) {
      const btn = el('button', { class: 'cancel', type: 'button' }, 'Cancel');
      btn.addEventListener('click', (e) => { e.stopPropagation(); cancel(j.jobId, btn); });
      tr.lastChild.append(btn);
    }
    tr.addEventListener('click', () => select(j.jobId));
    body.append(tr);
  }
  $('#jobs tbody').replaceWith(body);
}

async function cancel(jobId, btn) {
  btn.disabled = true;
  const headers = state.csrf ? { 'X-Drover-CSRF': state.csrf } : {};
  const r = await fetch('/jobs/' + encodeURIComponent(jobId) + '/cancel', { method: 'POST', credentials: 'same-origin', headers });
  if (r.ok) { const v = await r.json(); const j = state.jobs.get(jobId); if (j) { j.state = v.state; } render(); }
  else { btn.disabled = false; alert('cancel failed: ' + (await r.text())); }
}

function select(jobId) {
  if (state.selected === jobId) return;
  state.selected = jobId; state.detail = null; state.why = null;
  connect();
  render();
}

function renderDetail() {
  const d = state.detail;
  $('#detail').classList.toggle('hidden', !state.selected);
  if (!state.selected) return;
  $('#d-id').textContent = state.selected;
  if (!d) return;
  $('#d-name').textContent = d.name + ' · ' + d.state;
  const counts = $('#d-counts'); counts.replaceChildren(fig('total', d.total));
  for (const s of ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED']) counts.append(fig(s.toLowerCase(), d.counts[s] || 0));
  const lat = $('#d-latency'); lat.replaceChildren();
  for (const p of ['p50', 'p95', 'p99']) lat.append(fig('latency ' + p, d.latencyMs[p] == null ? '–' : d.latencyMs[p] + ' ms'));
  $('#d-cost').replaceChildren(fig('AWS calls cost', usd(d.costUsd)), fig('EC2 share', usd(d.ec2Usd)),
    fig('SQS requests', d.calls.sqs), fig('DynamoDB writes', d.calls.dynamoWrites), fig('tasks/s overall', d.tasksPerSecond));
  const stages = d.stages || [];
  $('#d-stages-box').classList.toggle('hidden', !stages.length);
  const sb = el('tbody');
  for (const s of stages) sb.append(el('tr', {}, el('td', { class: 'mono' }, s.line), el('td', { class: 'mono' }, s.name || '–'),
    el('td', { class: 'mono' }, (s.waitsOn || []).join(', ') || '–'),
    el('td', {}, bar({ total: s.tasks, counts: { SUCCEEDED: s.succeeded, FAILED: s.ended - s.succeeded } }),
      el('div', { class: 'bar-text' }, s.succeeded + ' / ' + s.tasks + ' succeeded' + (s.ended > s.succeeded ? ', ' + (s.ended - s.succeeded) + ' not' : '')))));
  $('#d-stages tbody').replaceWith(sb);
  const fb = el('tbody');
  for (const f of d.failures) fb.append(el('tr', {}, el('td', {}, f.status), el('td', {}, f.exitCode == null ? '–' : f.exitCode),
    el('td', { class: 'wrap mono' }, f.firstLine || '(empty)'), el('td', {}, f.count), el('td', { class: 'mono' }, f.sampleSeqs.join(', ')),
    el('td', {}, mayRerun(d) ? rerunButton(d.jobId, f.id) : '')));
  if (!d.failures.length) fb.append(el('tr', {}, el('td', { class: 'muted', colSpan: 6 }, 'none')));
  $('#d-failures tbody').replaceWith(fb);
  const rb = el('tbody');
  for (const r of d.running) rb.append(el('tr', {}, el('td', { class: 'mono' }, r.seq), el('td', { class: 'mono' }, r.worker), el('td', {}, ago(r.startedAt))));
  if (!d.running.length) rb.append(el('tr', {}, el('td', { class: 'muted', colSpan: 3 }, 'none')));
  $('#d-running tbody').replaceWith(rb);
}

function mayRerun(d) { return d.owner === state.user || state.admin; }

function rerunButton(jobId, group) {
  const btn = el('button', { class: 'rerun', type: 'button', 'data-group': group }, 'Rerun this group');
  btn.addEventListener('click', () => rerun(jobId, group, btn));
  return btn;
}

// submits only the group's tasks as a new job of ours; the stream then brings the new job's row
async function rerun(jobId, group, btn) {
  btn.disabled = true;
  const headers = { 'Content-Type': 'application/json' };
  if (state.csrf) headers['X-Drover-CSRF'] = state.csrf;
  const r = await fetch('/jobs/' + encodeURIComponent(jobId) + '/rerun', { method: 'POST', credentials: 'same-origin', headers,
    body: JSON.stringify({ group }) });
  btn.disabled = false;
  const note = $('#d-rerun');
  if (r.ok) {
    const v = await r.json();
    state.jobs.set(v.jobId, { jobId: v.jobId, name: v.name, owner: v.owner, state: v.state, total: v.total, counts: {},
      submittedAt: v.submittedAt, tasksPerSecond: 0, costUsd: 0 });
    note.dataset.job = v.jobId;
    note.textContent = 'rerun of ' + v.total + ' task(s) submitted as job ' + v.jobId;
    render();
  } else {
    note.textContent = 'rerun failed: ' + ((await r.json().catch(() => ({}))).error || r.status);
  }
}

// the why panel follows the detail: fetched when the detail changes, one request at a time
async function loadWhy() {
  if (state.whyBusy) { state.whyAgain = true; return; }
  const job = state.selected;
  state.whyBusy = true;
  try {
    const r = await fetch('/jobs/' + encodeURIComponent(job) + '/why', { credentials: 'same-origin' });
    if (job === state.selected) { state.why = r.ok ? await r.json() : { reasons: [{ code: 'error', text: 'no explanation (' + r.status + ')' }] }; renderWhy(); }
  } finally {
    state.whyBusy = false;
    if (state.whyAgain) { state.whyAgain = false; loadWhy(); }
  }
}

function renderWhy() {
  const ul = $('#d-why'); ul.replaceChildren();
  const w = state.why;
  if (!w) { ul.append(el('li', { class: 'muted' }, 'asking…')); return; }
  if (w.seq != null) ul.append(el('li', { class: 'muted' }, 'task ' + w.seq + ': ' + w.status));
  for (const r of w.reasons || []) ul.append(el('li', { 'data-code': r.code }, r.text, ' ', el('small', { class: 'muted mono' }, '[' + r.code + ']')));
}

function renderRate() {
  const svg = $('#d-rate');
  const pts = [];
  const h = state.history.get(state.selected) || [];
  for (let i = 1; i < h.length; i++) {
    const a = h[i - 1], b = h[i];
    pts.push({ t: b.t, v: Math.max(0, (b.done - a.done) * 1000 / Math.max(1, b.t - a.t)) });
  }
  const max = Math.max(1, ...pts.map((p) => p.v));
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.map((p, i) => (600 * i / Math.max(1, pts.length - 1)).toFixed(1) + ',' + (115 - 105 * p.v / max).toFixed(1)).join(' '));
  svg.append(line);
  const label = document.createElementNS(ns, 'text');
  label.setAttribute('x', '4'); label.setAttribute('y', '12');
  label.textContent = 'max ' + max.toFixed(1) + ' tasks/s, last ' + pts.length + ' s';
  svg.append(label);
}

function renderQueue() {
  const q = state.queue; if (!q) return;
  $('#queue').replaceChildren(fig('bundles visible', q.visible), fig('in flight', q.inFlight));
}

function renderFleet() {
  const f = state.fleet; if (!f) return;
  const figs = $('#fleet'); figs.replaceChildren();
  for (const [k, label] of [['desired', 'desired'], ['live', 'live'], ['booting', 'booting'], ['running', 'running'],
    ['maxWorkers', 'cap'], ['workersLaunched', 'launched'], ['workerSeconds', 'worker-seconds']]) {
    if (k in f) figs.append(fig(label, f[k]));
  }
  if ('costUsd' in f) figs.append(fig('fleet cost', usd(f.costUsd)));
  const wb = el('tbody');
  for (const w of f.workers || []) wb.append(el('tr', { 'data-worker': w.id }, el('td', { class: 'mono' }, w.id), el('td', {}, w.state),
    el('td', {}, w.uptimeSeconds == null ? '–' : w.uptimeSeconds + ' s'), el('td', {}, w.tasks), el('td', {}, usd(w.costUsd))));
  if (!(f.workers || []).length) wb.append(el('tr', {}, el('td', { class: 'muted', colSpan: 5 }, 'no worker has reported yet')));
  $('#workers tbody').replaceWith(wb);
  const ol = $('#decisions'); ol.replaceChildren();
  for (const dcs of (f.decisions || []).slice().reverse()) ol.append(el('li', {}, dcs));
  if (!(f.decisions || []).length) ol.append(el('li', { class: 'muted' }, f.decisions ? 'none yet' : 'a fixed pool: no provisioner'));
}

document.addEventListener('DOMContentLoaded', start);
