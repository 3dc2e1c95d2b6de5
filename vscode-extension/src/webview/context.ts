// What every panel receives: the state, the frame to show and the actions it may trigger.
import type {Snapshot} from '../shared/protocol';
import type {InspectorState, StackBy} from './state';

export interface Actions {
  /** Webview: posts openSource; the report renders locations as text instead and never calls it. */
  openSource(file: string, line: number): void;
  revealTag(path: string): void;
  selectFrame(frame: number): void;
  setCompare(a: number, b: number): void;
  setStackBy(by: StackBy): void;
  setPaused(paused: boolean): void;
  requestSnapshot(): void;
  followLatest(): void;
}

export interface PanelContext {
  state: InspectorState;
  frame: Snapshot;
  previous: Snapshot|undefined;
  actions: Actions;
}
