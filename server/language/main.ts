// Entry point of dist/language-server.js. The transport comes from the command line, as every LSP
// client passes it: `--stdio` (Neovim, Helix, Emacs), `--node-ipc` (VS Code) or `--socket=<port>`.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const transports = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];
if (!process.argv.some((arg) => transports.some((t) => arg.startsWith(t)))) {
  process.stderr.write('contrastive-lab-language-server: choose a transport: --stdio (other editors) or --node-ipc (VS Code).\n');
  process.exit(2);
}

const connection = createConnection(ProposedFeatures.all);
// A bug in one request must not take the server down with the editor's help for every open file.
const report = (message: string): void => {
  try {
    connection.console.error(message);
  } catch {
    // The client is gone; there is no one left to tell.
  }
};
process.on('uncaughtException', (error) => report(`uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => report(`unhandled rejection: ${String(reason)}`));
startServer(connection);
