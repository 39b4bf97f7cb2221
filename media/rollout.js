// @ts-check
// The Rollout webview: renders the state the extension posts; no inline handlers (the CSP forbids them).
(function () {
  // @ts-ignore acquireVsCodeApi is provided by the webview host
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));

  /** @param {string} tag @param {Record<string,string>} attrs @param {(Node|string)[]} children */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    node.append(...children);
    return node;
  }

  /** @param {string} id @param {string} label @param {string} command */
  function button(id, label, command) {
    const node = el('button', { type: 'button', id }, label);
    node.addEventListener('click', () => vscode.postMessage({ type: 'command', command }));
    return node;
  }

  /** @param {{version: string, trusted: boolean, workspace?: string}} state */
  function render(state) {
    const trust = state.trusted
      ? el('span', { class: 'badge' }, 'trusted')
      : el('span', { class: 'restricted' }, 'Restricted Mode: flags and diagnostics only');
    const actions = el('div', { class: 'actions' }, button('refresh', 'Refresh', 'chimera.refresh'), button('show-log', 'Show Log', 'chimera.showLog'));
    root.replaceChildren(
      el('h2', {}, 'Chimera rollout'),
      el('dl', {}, el('dt', {}, 'Workspace'), el('dd', { id: 'workspace' }, state.workspace ?? 'none'), el('dt', {}, 'Trust'), el('dd', {}, trust), el('dt', {}, 'Version'), el('dd', {}, state.version)),
      actions,
    );
    vscode.postMessage({ type: 'rendered' });
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'state') render(message.state);
  });
  vscode.postMessage({ type: 'ready' });
})();
