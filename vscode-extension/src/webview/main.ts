// Memory Inspector page script. In the standalone report the data is embedded in #fa-data; inside
// VS Code it talks to the extension host through postMessage (see src/shared/protocol.ts).
import type {Snapshot, WebviewToHost} from '../shared/protocol';
import type {Actions, PanelContext} from './context';
import {byId} from './dom';
import {isSnapshot, parseHostMessage} from './messages';
import {renderBudgets} from './panels/budgets';
import {renderCompare} from './panels/compare';
import {renderDiagnostics} from './panels/diagnostics';
import {renderHeader} from './panels/header';
import {renderQueues} from './panels/queues';
import {renderSites} from './panels/sites';
import {renderTags} from './panels/tags';
import {renderThreads} from './panels/threads';
import {renderTimeline} from './panels/timeline';
import {applyMessage, currentFrame, type InspectorState, initialState, previousFrame} from './state';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void
}
declare function acquireVsCodeApi(): VsCodeApi;

const embedded = document.getElementById('fa-data');
const vscode: VsCodeApi|null = embedded ? null : acquireVsCodeApi();
let state: InspectorState = initialState(embedded ? 'report' : 'webview');
let scheduled = false;

function post(message: WebviewToHost): void { vscode?.postMessage(message); }

function update(next: InspectorState): void {
  state = next;
  if (scheduled) return;
  scheduled = true;
  // Live snapshots can arrive faster than the page can draw; render once per animation frame.
  requestAnimationFrame(() => {
    scheduled = false;
    render();
  });
}

const actions: Actions = {
  openSource: (file, line) => post({type: 'openSource', file, line}),
  revealTag: (path) => post({type: 'revealTag', path}),
  selectFrame: (frame) => {
    update({...state, selected: frame});
    post({type: 'selectFrame', frame});
  },
  setCompare: (a, b) => update({...state, compareA: a, compareB: b}),
  setStackBy: (stackBy) => update({...state, stackBy}),
  setPaused: (paused) => {
    update({...state, paused});
    post({type: 'setPaused', paused});
  },
  requestSnapshot: () => post({type: 'requestSnapshot'}),
  followLatest: () => update({...state, selected: null}),
};

function render(): void {
  const frame = currentFrame(state);
  const ctx: PanelContext|null =
      frame ? {state, frame, previous: previousFrame(state, frame), actions} : null;
  renderHeader(ctx, state.frames.length);
  document.body.classList.toggle('no-data', !ctx);
  if (!ctx) return;
  renderTimeline(ctx);
  renderBudgets(ctx);
  renderTags(ctx);
  renderThreads(ctx);
  renderQueues(ctx);
  renderSites(ctx);
  renderCompare(ctx);
  renderDiagnostics(ctx);
}

/** A visible line under the header: the report has no console to read warnings in. */
function notice(text: string): void {
  const node = byId('fa-notice');
  node.textContent = text;
  node.hidden = false;
}

function loadEmbedded(node: HTMLElement): void {
  let frames: Snapshot[] = [];
  try {
    const parsed = JSON.parse(node.textContent ?? '') as {frames?: unknown};
    const list = Array.isArray(parsed.frames) ? parsed.frames : [];
    frames = list.filter(isSnapshot);
    if (frames.length !== list.length) {
      notice(`${list.length - frames.length} of ${
          list.length} embedded frames were malformed and are not shown.`);
    }
  } catch (e) {
    notice(`The embedded data is not JSON (${(e as Error).message}).`);
  }
  byId('fa-empty').textContent = 'This report holds no frames.';
  update(applyMessage({...state, framesKept: Math.max(frames.length, 1)}, {type: 'history', frames}));
}

byId('fa-stack-tag').addEventListener('click', () => actions.setStackBy('tag'));
byId('fa-stack-thread').addEventListener('click', () => actions.setStackBy('thread'));
window.addEventListener('resize', () => update(state));

if (embedded) {
  loadEmbedded(embedded);
} else {
  window.addEventListener('message', (event: MessageEvent) => {
    const message = parseHostMessage(event.data);
    if (!message) {
      console.warn('inspector: ignored a malformed message from the host');
      return;
    }
    update(applyMessage(state, message));
  });
  post({type: 'ready'});
  render();
}
