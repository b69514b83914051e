// The serve loop shared by the CLI's resident processes (`neighbors --serve`, `search --serve`):
// JSON-RPC over stdin/stdout, a ready notification once listening, unreadable messages reported
// and skipped, and an end when the input closes or `stop` aborts.
import type { Readable, Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type ConnectionOptions, type ConnectionStrategy, type MessageConnection } from 'vscode-jsonrpc/node';

export interface ServeOptions {
  /** Registers the request handlers on the connection before it listens. */
  readonly handlers: (connection: MessageConnection) => void;
  /** Sends the ready notification (what the process serves) once it listens. */
  readonly ready: (connection: MessageConnection) => void;
  /** A strategy such as cancelUndispatched (answer a request cancelled while queued without running it). */
  readonly connection?: ConnectionStrategy | ConnectionOptions;
}

/** Resolves when the input ends or `stop` aborts; never rejects. */
export function serveJsonRpc(input: Readable, output: Writable, stop: AbortSignal, log: (line: string) => void, options: ServeOptions): Promise<void> {
  const connection = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output), undefined, options.connection);
  options.handlers(connection);
  connection.onError(([error]) => log(`ignored a message that could not be read: ${error.message}`));
  return new Promise((resolve) => {
    const end = (): void => {
      stop.removeEventListener('abort', end);
      connection.dispose();
      resolve();
    };
    connection.onClose(end);
    stop.addEventListener('abort', end, { once: true });
    connection.listen();
    if (stop.aborted) end();
    else options.ready(connection);
  });
}
