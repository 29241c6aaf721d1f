// @ts-check
// The confirmation panel's view. Presentation only: the countdown, the typed phrase check and the
// timeout decision all live in the extension, which ignores an approval it did not unlock.
(function () {
  // @ts-ignore acquireVsCodeApi is provided by the webview host
  const vscode = acquireVsCodeApi();
  /** @type {string | undefined} */
  let current;
  /** @type {{ phrase?: string } | undefined} */
  let view;
  let unlocked = false;

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const approveOnce = /** @type {HTMLButtonElement} */ ($('approve-once'));
  const approveSession = /** @type {HTMLButtonElement} */ ($('approve-session'));
  const deny = /** @type {HTMLButtonElement} */ ($('deny'));
  const typed = /** @type {HTMLInputElement} */ ($('typed'));

  const text = (/** @type {string} */ s) => document.createTextNode(s);

  /** @param {string} command @param {{start:number,end:number}[]} spans */
  function renderCommand(command, spans) {
    const pre = $('command');
    pre.replaceChildren();
    const marked = new Array(command.length).fill(false);
    for (const s of spans) for (let i = Math.max(0, s.start); i < Math.min(command.length, s.end); i++) marked[i] = true;
    let i = 0;
    while (i < command.length) {
      let j = i;
      while (j < command.length && marked[j] === marked[i]) j++;
      const part = command.slice(i, j);
      if (marked[i]) {
        const m = document.createElement('mark');
        m.textContent = part;
        pre.appendChild(m);
      } else pre.appendChild(text(part));
      i = j;
    }
  }

  function canApprove() {
    const phraseOk = !view || !view.phrase || typed.value.trim() === view.phrase;
    return unlocked && phraseOk;
  }

  function refreshButtons() {
    approveOnce.disabled = !canApprove();
    approveSession.disabled = !canApprove();
  }

  /** @param {number} unlockIn @param {number} expiresIn @param {number} queued */
  function renderTimers(unlockIn, expiresIn, queued) {
    unlocked = unlockIn <= 0;
    $('unlock').textContent = unlocked ? 'Approve is unlocked.' : `Approve unlocks in ${unlockIn} s.`;
    $('expiry').textContent = `Denies automatically in ${expiresIn} s if nobody answers.`;
    $('queue').textContent = queued > 0 ? `${queued} more waiting` : '';
    refreshButtons();
  }

  /** @param {any} p */
  function show(p) {
    current = p.id;
    view = { phrase: p.phrase };
    const env = p.decision.environment;
    const envEl = $('env');
    envEl.textContent = (env.production ? 'PRODUCTION' : env.label.toUpperCase());
    envEl.className = 'env ' + (env.production ? 'production' : 'other');
    const src = p.source;
    $('source').textContent = src.kind === 'terminal' ? `Terminal${src.name ? ` “${src.name}”` : ''}${src.shell ? ` (${src.shell})` : ''}`
      : src.kind === 'task' ? `Task “${src.name}”` : `Agent ${src.agent}${src.tool ? ` · tool ${src.tool}` : ''}`;
    $('workspace').textContent = p.workspace ? `in ${p.workspace}` : '';
    renderCommand(p.command, p.decision.reasons.map((/** @type {any} */ r) => r.span).filter(Boolean));
    const impact = $('impact');
    impact.classList.toggle('hidden', !p.impact);
    $('impact-summary').textContent = p.impact ? `This command ${p.impact.summary}.` : '';
    $('impact-undo').textContent = p.impact ? p.impact.undo : '';
    const facts = $('facts');
    facts.replaceChildren();
    for (const f of env.facts) {
      const li = document.createElement('li');
      li.textContent = `${f.kind} ${f.value} (from ${f.source})${f.production ? ' — production' : ''}`;
      facts.appendChild(li);
    }
    const reasons = $('reasons');
    reasons.replaceChildren();
    for (const r of p.decision.reasons) {
      const div = document.createElement('div');
      div.className = 'reason';
      const code = document.createElement('code');
      code.textContent = r.rule;
      div.append(code, text(` · risk ${r.risk}: ${r.message}`));
      reasons.appendChild(div);
    }
    const phraseBox = $('phrase-box');
    phraseBox.classList.toggle('hidden', !p.phrase);
    $('phrase').textContent = p.phrase || '';
    typed.value = '';
    $('error').textContent = '';
    renderTimers(p.unlockIn, p.expiresIn, p.queued);
    // Deny has the focus: Enter on an unread panel must never approve.
    deny.focus();
  }

  approveOnce.addEventListener('click', () => current && canApprove() && vscode.postMessage({ type: 'approve', id: current, scope: 'once', typed: typed.value.trim() }));
  approveSession.addEventListener('click', () => current && canApprove() && vscode.postMessage({ type: 'approve', id: current, scope: 'session', typed: typed.value.trim() }));
  deny.addEventListener('click', () => current && vscode.postMessage({ type: 'deny', id: current }));
  typed.addEventListener('input', refreshButtons);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && current) {
      e.preventDefault();
      vscode.postMessage({ type: 'deny', id: current });
    }
  });
  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg.type === 'show') show(msg.pending);
    else if (msg.type === 'tick' && msg.id === current) renderTimers(msg.unlockIn, msg.expiresIn, msg.queued);
    else if (msg.type === 'rejected' && msg.id === current) $('error').textContent = msg.why;
  });
  vscode.postMessage({ type: 'ready' });
})();
