// The scheduler's status page: plain DOM over the same /v1 API as any client (no build step).
// Everything shown comes from GET /v1/regions, GET /v1/jobs?state=failed and GET /v1/jobs/{id};
// text from the API is only ever set as textContent, never parsed as HTML.
(() => {
  'use strict';

  const REGIONS_EVERY_MS = 2000;
  const FAILURES_EVERY_MS = 5000;
  const JOB_EVERY_MS = 2000;
  const FAILURES_PER_PAGE = 20;
  const KEY_STORAGE = 'edge-dispatcher.api-key';

  const $ = (id) => document.getElementById(id);
  const state = {
    key: sessionStorage.getItem(KEY_STORAGE) || '',
    needsKey: false,
    failures: { region: '', cursor: null, history: [], next: null, busy: false, unavailable: false },
    jobId: null,
    jobFinal: false,
    // Bumped when the key changes: an answer to a request made with the old key is not shown.
    epoch: 0,
  };

  /** One element with text (never HTML) and attributes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = String(value);
      else if (name.startsWith('data-')) node.setAttribute(name, String(value));
      else node[name] = value;
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function notice(text, isError) {
    const box = $('notice');
    box.hidden = !text;
    box.textContent = text || '';
    box.classList.toggle('error', Boolean(isError));
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.detail || body.error)) || 'HTTP ' + status);
      this.status = status;
      this.body = body || {};
    }
  }

  /** GET path from the API, with the pasted key as the Authorization header the API expects. */
  async function api(path) {
    const headers = { Accept: 'application/json' };
    if (state.key) headers.Authorization = 'Bearer ' + state.key;
    let response;
    try {
      response = await fetch(path, { headers, cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, { detail: 'the scheduler does not answer (' + e.message + ')' });
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (response.status === 401) {
      state.needsKey = true;
      notice(state.key
        ? 'The API key was refused (' + ((body && body.detail) || 'unauthorized') + '). Paste a valid key above.'
        : 'This scheduler needs an API key: paste one above (dispatcher keys create --account A).', true);
    }
    if (!response.ok) throw new ApiError(response.status, body);
    if (state.needsKey) {
      state.needsKey = false;
      notice('');
    }
    return body;
  }

  const fmtInt = new Intl.NumberFormat('en-US');
  const fmtRate = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function time(iso) {
    if (!iso) return '—';
    const date = new Date(iso);
    return isNaN(date) ? iso : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function badge(word) {
    const cls = /^\d/.test(word || '') ? 'x' + word : word;
    return el('span', { class: 'badge ' + (cls || ''), text: word || '—' });
  }

  // ---- Regions -----------------------------------------------------------------------------

  let regionsBusy = false;

  async function refreshRegions() {
    if (regionsBusy) return;
    regionsBusy = true;
    const epoch = state.epoch;
    try {
      const body = await api('/v1/regions');
      if (epoch !== state.epoch) return;
      renderRegions(body.regions || []);
      $('regions-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      if (e.status !== 401) $('regions-updated').textContent = 'not updated: ' + e.message;
    } finally {
      regionsBusy = false;
    }
  }

  const REGION_COLUMNS = ['queued', 'in_flight', 'delivered', 'failed', 'rate', 'lag'];

  /** One row per region, made once; later refreshes only change the cells' text (nothing flickers). */
  function regionRow(region) {
    const body = $('regions').tBodies[0];
    let row = body.querySelector('tr[data-region="' + CSS.escape(region) + '"]');
    if (!row) {
      row = el('tr', { 'data-region': region, class: region === state.failures.region ? 'selected' : '' },
        el('th', { scope: 'row', class: 'region', text: region }),
        ...REGION_COLUMNS.map((column) => el('td', { class: 'num ' + column })));
      row.addEventListener('click', () => {
        const select = $('failures-region');
        select.value = state.failures.region === region ? '' : region;
        select.dispatchEvent(new Event('change'));
      });
      body.append(row);
    }
    return row;
  }

  function renderRegions(regions) {
    const select = $('failures-region');
    for (const r of regions) {
      const jobs = r.jobs || {};
      const row = regionRow(r.region);
      const set = (column, text, title) => {
        const cell = row.querySelector('td.' + column);
        if (cell.textContent !== text) cell.textContent = text;
        cell.title = title || '';
      };
      set('queued', fmtInt.format(jobs.queued || 0));
      set('in_flight', fmtInt.format(jobs.in_flight || 0));
      set('delivered', fmtInt.format(jobs.delivered || 0));
      set('failed', fmtInt.format(jobs.failed || 0));
      row.querySelector('td.failed').classList.toggle('nonzero', Boolean(jobs.failed));
      set('rate', fmtRate.format(r.deliveries_per_second || 0));
      if (r.lag === null || r.lag === undefined) set('lag', '—', 'lag unknown: ' + (r.lag_error || 'not asked'));
      else set('lag', fmtInt.format(r.lag));
    }
    // The region filter learns the regions once.
    if (select.options.length === 1) {
      regions.forEach((r) => select.append(el('option', { value: r.region, text: r.region })));
      select.value = state.failures.region;
    }
  }

  // ---- Recent failures (paged with the API's cursor: only one page is ever rendered) ----------

  // Loads one page; moved() adjusts the page history once the page has arrived.
  async function loadFailures(cursor, moved) {
    const f = state.failures;
    if (f.busy || f.unavailable) return;
    f.busy = true;
    const query = new URLSearchParams({ state: 'failed', limit: String(FAILURES_PER_PAGE) });
    if (f.region) query.set('region', f.region);
    if (cursor) query.set('cursor', cursor);
    const epoch = state.epoch;
    try {
      const body = await api('/v1/jobs?' + query);
      if (epoch !== state.epoch) return;
      if (moved) moved();
      f.cursor = cursor;
      f.next = body.next_cursor || null;
      renderFailures(body.jobs || []);
    } catch (e) {
      if ((e.status === 404 || e.status === 405) && e.body && (e.body.field === 'path' || e.body.field === 'method')) {
        // An older scheduler without GET /v1/jobs: the rest of the page still works.
        f.unavailable = true;
        $('failures').tBodies[0].replaceChildren();
        $('failures-status').textContent = 'This scheduler cannot list jobs (no GET /v1/jobs): enter a job id below'
          + ' to see its timeline.';
      } else if (e.status !== 401) {
        $('failures-status').textContent = 'Could not load failures: ' + e.message;
      }
    } finally {
      f.busy = false;
      updatePager();
    }
  }

  function lastAttempt(job) {
    const attempts = job.attempts || [];
    return attempts.length ? attempts[attempts.length - 1] : null;
  }

  /** Why a job failed: its own reason (e.g. a poison record), else its last attempt's, else its outcome. */
  function failureReason(job) {
    const last = lastAttempt(job);
    return job.reason || (last && (last.reason || last.outcome)) || '—';
  }

  let shownFailures = null;

  function renderFailures(jobs) {
    const where = state.failures.region ? ' in ' + state.failures.region : '';
    $('failures-status').textContent = jobs.length
      ? 'Newest first; click a failure to see its attempts.'
      : 'No failed jobs' + where + ' in the job store.';
    // The newest page is fetched again every few seconds: redraw only when something changed, so
    // that a row being pointed at or clicked stays the same element.
    const signature = JSON.stringify([state.failures.region, jobs.map((job) => [job.id, failureReason(job),
      (job.attempts || []).length])]);
    if (signature === shownFailures) return;
    shownFailures = signature;
    const rows = jobs.map((job) => {
      const last = lastAttempt(job);
      const row = el('tr', { 'data-job-id': job.id, class: job.id === state.jobId ? 'selected' : '' },
        el('td', { class: 'job-id' }, el('a', { href: '#job=' + encodeURIComponent(job.id), text: job.id })),
        el('td', { class: 'region', text: job.region || '—' }),
        el('td', { class: 'when', text: last ? time(last.started_at) : '—' }),
        el('td', { class: 'outcome' }, badge(last ? last.outcome : job.state)),
        el('td', { class: 'reason', text: failureReason(job) }));
      row.addEventListener('click', (event) => {
        event.preventDefault();
        showJob(job.id);
      });
      return row;
    });
    $('failures').tBodies[0].replaceChildren(...rows);
  }

  function updatePager() {
    const f = state.failures;
    $('failures-older').disabled = f.unavailable || !f.next;
    $('failures-newer').disabled = f.unavailable || !f.history.length;
    $('failures-page').textContent = f.unavailable ? '' : 'page ' + (f.history.length + 1);
  }

  // ---- One job's attempt timeline -------------------------------------------------------------

  async function showJob(id, fromHash) {
    id = (id || '').trim();
    if (!id) return;
    state.jobId = id;
    state.jobFinal = false;
    $('job-id').value = id;
    if (!fromHash && location.hash !== '#job=' + encodeURIComponent(id)) {
      history.replaceState(null, '', '#job=' + encodeURIComponent(id));
    }
    document.querySelectorAll('#failures tbody tr').forEach((row) => {
      row.classList.toggle('selected', row.dataset.jobId === id);
    });
    await refreshJob();
  }

  let jobBusy = false;

  async function refreshJob() {
    const id = state.jobId;
    if (!id || jobBusy) return;
    jobBusy = true;
    const epoch = state.epoch;
    const current = () => id === state.jobId && epoch === state.epoch;
    try {
      const job = await api('/v1/jobs/' + encodeURIComponent(id));
      if (current()) renderJob(job);
    } catch (e) {
      if (current() && e.status !== 401) {
        state.jobFinal = true;
        $('job').replaceChildren(el('p', { class: 'job-error', text: e.status === 404
          ? 'No job ' + id + ': ' + e.message : 'Could not load job ' + id + ': ' + e.message }));
      }
    } finally {
      jobBusy = false;
      // Another job was asked for while this one loaded: its request was dropped, make it now.
      if (state.jobId && state.jobId !== id) refreshJob();
    }
  }

  function renderJob(job) {
    state.jobFinal = job.state === 'delivered' || job.state === 'failed';
    const resolution = job.resolution || {};
    const facts = el('dl', { class: 'job-facts' },
      el('dt', { text: 'Job' }), el('dd', { class: 'mono job-id', text: job.id }),
      el('dt', { text: 'State' }), el('dd', { class: 'job-state' }, badge(job.state)),
      el('dt', { text: 'Region' }), el('dd', { class: 'job-region', text: (job.region || '—')
        + (resolution.rule ? ' (' + resolution.rule + (resolution.host ? ', ' + resolution.host : '') + ')' : '') }),
      el('dt', { text: 'Delivered by' }), el('dd', { text: job.delivered_by || '—' }));
    if (job.reason) {
      facts.append(el('dt', { text: 'Reason' }), el('dd', { class: 'job-reason reason', text: job.reason }));
    }
    const attempts = job.attempts || [];
    const starts = attempts.map((a) => Date.parse(a.started_at)).filter((t) => !isNaN(t));
    const t0 = starts.length ? Math.min(...starts) : 0;
    const end = attempts.reduce((max, a) => {
      const t = Date.parse(a.started_at);
      return isNaN(t) ? max : Math.max(max, t + (a.duration_ms || 0));
    }, t0);
    const span = Math.max(1, end - t0);
    const items = attempts.map((a, i) => {
      const start = Date.parse(a.started_at);
      const offset = isNaN(start) ? 0 : start - t0;
      const bar = el('div', { class: 'bar' + (a.outcome === 'ok' ? ' ok' : '') });
      bar.style.left = (100 * offset / span).toFixed(2) + '%';
      bar.style.width = (100 * (a.duration_ms || 0) / span).toFixed(2) + '%';
      return el('li', { class: 'attempt', 'data-outcome': a.outcome, 'data-index': i + 1 },
        el('div', { class: 'label' }, (a.target || 'primary') + ' #' + (a.attempt || i + 1) + ' ', badge(a.outcome)),
        el('div', { class: 'track', title: (a.duration_ms || 0) + ' ms from +' + offset + ' ms' }, bar),
        el('div', { class: 'details' },
          el('span', { class: 'status', text: 'status ' + (a.status === null || a.status === undefined ? '—' : a.status) }),
          el('span', { class: 'duration', text: fmtInt.format(a.duration_ms || 0) + ' ms' }),
          el('span', { class: 'started', text: time(a.started_at) + (i ? ' (+' + fmtInt.format(offset) + ' ms)' : '') }),
          el('span', { class: 'mono url', text: a.url || '' }),
          a.reason ? el('span', { class: 'reason', text: a.reason }) : null));
    });
    const timeline = attempts.length
      ? el('ol', { class: 'timeline' }, ...items)
      : el('p', { class: 'hint', text: state.jobFinal ? 'No attempt was made.' : 'No attempt yet: the job is '
        + job.state + '.' });
    $('job').replaceChildren(facts, timeline);
  }

  // ---- Wiring ------------------------------------------------------------------------------

  function jobFromHash() {
    const match = /^#job=(.+)$/.exec(location.hash);
    if (!match) return null;
    try {
      return decodeURIComponent(match[1]);
    } catch (e) {
      return null; // a malformed hash (#job=%E0): no job, and the page still starts
    }
  }

  function refreshAll() {
    refreshRegions();
    if (!state.failures.cursor) loadFailures(null);
    if (state.jobId) refreshJob();
  }

  $('api-key').value = state.key;
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const previous = state.key;
    state.key = $('api-key').value.trim();
    if (previous && previous !== state.key) clearShown();
    // This tab only: the key is gone when the tab closes.
    if (state.key) sessionStorage.setItem(KEY_STORAGE, state.key);
    else sessionStorage.removeItem(KEY_STORAGE);
    notice('');
    refreshAll();
  });
  /** Forgets what the previous key was shown: another key (or none) must not see it. */
  function clearShown() {
    state.epoch++;
    const f = state.failures;
    f.history = [];
    f.cursor = null;
    f.next = null;
    shownFailures = null;
    $('failures').tBodies[0].replaceChildren();
    $('failures-status').textContent = '';
    $('regions').tBodies[0].replaceChildren();
    $('regions-updated').textContent = '';
    state.jobId = null;
    state.jobFinal = false;
    $('job-id').value = '';
    $('job').replaceChildren();
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    updatePager();
  }

  $('forget-key').addEventListener('click', () => {
    state.key = '';
    $('api-key').value = '';
    sessionStorage.removeItem(KEY_STORAGE);
    clearShown();
    refreshAll();
  });
  $('failures-region').addEventListener('change', (event) => {
    const f = state.failures;
    f.region = event.target.value;
    f.history = [];
    f.cursor = null;
    f.next = null;
    document.querySelectorAll('#regions tbody tr').forEach((row) => {
      row.classList.toggle('selected', row.dataset.region === f.region);
    });
    loadFailures(null);
  });
  $('failures-older').addEventListener('click', () => {
    const f = state.failures;
    if (!f.next) return;
    const current = f.cursor;
    loadFailures(f.next, () => f.history.push(current));
  });
  $('failures-newer').addEventListener('click', () => {
    const f = state.failures;
    if (!f.history.length) return;
    loadFailures(f.history[f.history.length - 1], () => f.history.pop());
  });
  $('job-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showJob($('job-id').value);
  });
  window.addEventListener('hashchange', () => {
    const id = jobFromHash();
    if (id && id !== state.jobId) showJob(id, true);
  });

  refreshRegions();
  loadFailures(null);
  const initial = jobFromHash();
  if (initial) showJob(initial, true);

  setInterval(refreshRegions, REGIONS_EVERY_MS);
  // Only the newest page follows new failures; an older page stays put while it is read.
  setInterval(() => { if (!state.failures.cursor) loadFailures(null); }, FAILURES_EVERY_MS);
  setInterval(() => { if (state.jobId && !state.jobFinal) refreshJob(); }, JOB_EVERY_MS);
})();
