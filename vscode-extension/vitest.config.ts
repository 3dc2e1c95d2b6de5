// Unit tests run in Node with the `vscode` module replaced by test/unit/vscode-mock.ts.
import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

export default defineConfig({
  resolve: {alias: {vscode: fileURLToPath(new URL('./test/unit/vscode-mock.ts', import.meta.url))}},
  test: {include: ['test/unit/**/*.test.ts'], environment: 'node', reporters: ['default']},
});
