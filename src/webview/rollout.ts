// The Rollout webview: renders the state the extension posts; no inline handlers (the CSP forbids them).
// Bundled by esbuild.mjs to media/rollout.js (browser, iife); type-checked with the rest by tsconfig.json.
import type { SourceView } from '../core/rollout/sources';
import type { FromWebview, RolloutState, ToWebview, WebviewCommand } from '../vscode/rollout-protocol';

/** Provided by the webview host; callable once per page. */
declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function button(id: string, label: string, command: WebviewCommand, argument?: number, kind?: string): HTMLElement {
  const node = el('button', { type: 'button', id, class: kind ?? '' }, label);
  node.addEventListener('click', () => vscode.postMessage({ type: 'command', command, argument }));
  return node;
}

const STATUS: Record<string, string> = { pass: '✓', confirmed: '✓', fail: '✗', unknown: '?', unconfirmed: '○', 'no-data': '…', person: '○' };

/** A source's value, shortened for the one-line summary. */
function shortValue(source: SourceView): string {
  if (source.kind === 'not-measurable') return source.label;
  return `${source.label}: ${source.value === undefined ? 'no value yet' : source.value.length > 40 ? `${source.value.slice(0, 39)}…` : source.value}`;
}

/**
 * Each criterion and trigger as a disclosure: the summary line carries the current values, the body where each comes
 * from. <details>/<summary> is focusable and opens with Enter or Space, so the list is keyboard usable without script.
 */
function sourceList(measures: RolloutState['measures']): HTMLElement {
  return el('ul', { id: 'sources', class: 'sources', 'aria-label': 'Where each criterion and rollback trigger gets its value' },
    ...measures.map((measure) => el('li', { 'data-measure': `${measure.target}:${measure.id}` },
      el('details', {},
        el('summary', {}, el('span', { class: 'measure' }, measure.text), ' — ', measure.sources.map(shortValue).join(' · ')),
        el('dl', {}, ...measure.sources.flatMap((source) => [
          el('dt', { class: `source ${source.kind}` }, source.value === undefined ? source.label : `${source.label}: ${source.value}`),
          el('dd', {}, source.kind === 'fleet' ? el('code', {}, source.detail) : source.detail),
        ]))))));
}

function render(state: RolloutState): void {
  const report = state.report;
  const parts: HTMLElement[] = [];
  if (!state.trusted) parts.push(el('p', { class: 'banner restricted', role: 'status' }, 'Restricted Mode: flags and diagnostics only. Trust the folder to analyse, run or change flags.'));
  if (!report) {
    parts.push(el('p', {}, state.workspace ? 'Reading the rollout flags…' : 'Open a Void workspace folder to see its rollout.'));
  } else {
    if (report.rollback) {
      parts.push(el('div', { class: 'banner rollback', role: 'alert', id: 'rollback-banner' },
        el('strong', {}, 'Rolled back'), ` — ${report.rollback.reason} (${report.rollback.trigger}, ${new Date(report.rollback.at).toLocaleString()}). Nothing runs until re-armed. `,
        button('rearm', 'Re-arm', 'chimera.rearm')));
    } else if (report.frozen) {
      parts.push(el('div', { class: 'banner frozen', role: 'status' }, el('strong', {}, 'Frozen'), ' — CHIMERA_FREEZE=1: every feature is off.'));
    }
    const phase = report.phase;
    const current = phase.id === 'custom' ? phase.nearest : phase.id;
    const timeline = el('ol', { class: 'timeline', 'aria-label': 'Rollout phases' },
      ...state.phases.map((p) => el('li', { class: p.id === current ? (phase.id === 'custom' ? 'current custom' : 'current') : p.id < current ? 'done' : '', title: `${p.name} (${p.timeline})`, ...(p.id === current ? { 'aria-current': 'step' } : {}) }, String(p.id))));
    const phaseText = phase.id === 'custom'
      ? `Custom — nearest Phase ${phase.nearest}; differs in ${phase.differences.map((d) => `${d.flag}=${d.actual}`).join(', ')}`
      : `Phase ${phase.id}: ${state.phases[phase.id].name}`;
    parts.push(el('h2', {}, 'Phase'), timeline, el('p', { id: 'phase' }, phaseText));

    const canary = report.canary;
    parts.push(el('h2', {}, 'Canary'), el('p', { id: 'canary' },
      `Bucket ${canary.bucket.toFixed(4)} ${canary.in ? '<' : '≥'} ${canary.fraction}: `, el('span', { class: canary.in ? 'badge' : 'badge muted' }, canary.in ? 'in' : 'out'),
      ...(canary.override ? [' ', el('span', { class: 'badge override' }, `override: ${canary.override}`)] : [])));

    const rows = Object.entries(report.flags).map(([name, flag]) => {
      const link = el('a', { href: '#', 'data-flag': name, title: `Show where ${name} comes from` }, name);
      link.addEventListener('click', (event) => { event.preventDefault(); vscode.postMessage({ type: 'openFlag', flag: name }); });
      return el('tr', { class: flag.valid ? '' : 'invalid' }, el('td', {}, link), el('td', {}, String(flag.value)), el('td', { class: `source ${flag.source}` }, flag.source));
    });
    parts.push(el('h2', {}, 'Flags'), el('table', { id: 'flags' }, el('thead', {}, el('tr', {}, el('th', {}, 'Flag'), el('th', {}, 'Value'), el('th', {}, 'Source'))), el('tbody', {}, ...rows)));
    const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
    if (report.diagnostics.length > 0) parts.push(el('p', { class: errors ? 'problems error' : 'problems' }, `${report.diagnostics.length} diagnostic(s) in ${state.envFile} files${errors ? `, ${errors} error(s)` : ''} — see Problems.`));

    if (state.criteria.length > 0) {
      parts.push(el('h2', {}, 'Success criteria'), el('ul', { class: 'checklist' }, ...state.criteria.map((c) => el('li', { class: c.status }, `${STATUS[c.status] ?? ''} ${c.text}${c.status === 'no-data' && !c.text.includes(' — ') ? ' — not enough data yet' : ''}`))));
    }
    if (state.triggers.length > 0) {
      const fleet = state.triggers.some((t) => t.fleet !== null);
      const head = el('tr', {}, el('th', {}, 'Trigger'), el('th', {}, 'Local'), ...(fleet ? [el('th', {}, 'Fleet')] : []), el('th', {}, 'Limit'));
      const rows = state.triggers.map((t) => el('tr', { class: t.status === 'over' ? 'invalid' : '' }, el('td', {}, t.summary), el('td', {}, t.local), ...(fleet ? [el('td', {}, t.fleet ?? '—')] : []), el('td', {}, t.limit)));
      parts.push(el('h2', {}, 'Rollback triggers'), el('table', { id: 'triggers' }, el('thead', {}, head), el('tbody', {}, ...rows)));
    }
    if (state.measures.length > 0) parts.push(el('h2', {}, 'Where the numbers come from'), sourceList(state.measures));
    if (state.nextPhase) {
      parts.push(el('h2', {}, `Before Phase ${state.nextPhase.id}`), el('ul', { class: 'checklist', id: 'checklist' }, ...state.nextPhase.checklist.map((i) => el('li', { class: i.status, title: i.detail ?? '' }, `${STATUS[i.status] ?? ''} ${i.text}`))));
    }
    const actions = [button('feedback', 'Send Feedback', 'chimera.sendFeedback', undefined, 'secondary'), button('metrics', 'Show Metrics', 'chimera.showMetrics', undefined, 'secondary'), button('refresh', 'Refresh', 'chimera.refresh', undefined, 'secondary'), button('show-log', 'Show Log', 'chimera.showLog', undefined, 'secondary')];
    if (state.trusted && report.features.analysis) actions.unshift(button('analyze', 'Analyze File', 'chimera.analyzeFile', undefined, 'secondary'));
    if (state.trusted) {
      if (state.nextPhase && !report.rollback) actions.unshift(button('next-phase', `Move to Phase ${state.nextPhase.id}`, 'chimera.moveToPhase', state.nextPhase.id));
      if (!report.rollback) actions.splice(1, 0, button('roll-back', 'Roll Back', 'chimera.rollBack', undefined, 'danger'));
    }
    parts.push(el('div', { class: 'actions' }, ...actions));
  }
  if (!report) parts.push(el('div', { class: 'actions' }, button('refresh', 'Refresh', 'chimera.refresh'), button('show-log', 'Show Log', 'chimera.showLog', undefined, 'secondary')));
  parts.push(el('p', { class: 'version' }, `Chimera ${state.version}${state.workspace ? ` · ${state.workspace}` : ''}`));
  root.replaceChildren(...parts);
  vscode.postMessage({ type: 'rendered' });
}

window.addEventListener('message', (event: MessageEvent<ToWebview | undefined>) => {
  const message = event.data;
  if (message && message.type === 'state') render(message.state);
});
vscode.postMessage({ type: 'ready' });
