// Checks every message the webview posts before the host acts on it: the webview renders data
// from files on disk, so a message is treated as untrusted input. Invalid messages are reported
// with a reason and ignored; valid ones are returned as a fresh object without unknown members.
import type {WebviewToHost} from './protocol';

export type Validation<T> = {
  ok: true; value: T
}|{
  ok: false;
  error: string
};

const MAX_TEXT = 4096;

const isRecord = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
const isText = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= MAX_TEXT;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function fail(error: string): Validation<never> { return {ok: false, error}; }

export function validateWebviewMessage(message: unknown): Validation<WebviewToHost> {
  if (!isRecord(message)) return fail('message is not an object');
  const {type} = message;
  switch (type) {
    case 'ready':
    case 'requestSnapshot':
      return {ok: true, value: {type}};
    case 'openSource': {
      if (!isText(message.file) || message.file.includes('\0'))
        return fail('openSource.file must be a non-empty path');
      if (!isCount(message.line) || message.line < 1) return fail('openSource.line must be an integer >= 1');
      return {ok: true, value: {type, file: message.file, line: message.line}};
    }
    case 'revealTag':
      if (!isText(message.path) || message.path.includes('\0'))
        return fail('revealTag.path must be a non-empty tag path');
      return {ok: true, value: {type, path: message.path}};
    case 'selectFrame':
      if (!isCount(message.frame)) return fail('selectFrame.frame must be a non-negative integer');
      return {ok: true, value: {type, frame: message.frame}};
    case 'setPaused':
      if (typeof message.paused !== 'boolean') return fail('setPaused.paused must be a boolean');
      return {ok: true, value: {type, paused: message.paused}};
    default:
      return fail(`unknown message type ${JSON.stringify(String(type)).slice(0, 80)}`);
  }
}
