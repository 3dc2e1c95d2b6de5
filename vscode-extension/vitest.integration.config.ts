// The host's language client (the real vscode-languageclient, which setup.ts points at the `vscode`
// stand-in of test/integration/vscode-host.ts) against the real fa-lsp. Run by ctest
// (extension_client_lsp) with FA_LSP, FA_DB, FA_FIXTURE and FA_EXAMPLE set.
import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

export default defineConfig({
  resolve: {alias: {vscode: fileURLToPath(new URL('./test/integration/vscode-host.ts', import.meta.url))}},
  test: {
    include: ['test/integration/**/*.int.test.ts'],
    environment: 'node',
    testTimeout: 180000,
    setupFiles: ['test/integration/setup.ts'],
  },
});
