// Every request handler runs inside a guard: a request the client cancelled is answered with
// RequestCancelled (-32800), and an exception becomes an error response instead of a dead server.

import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export type Handler<P, R> = (params: P, token: CancellationToken) => R;

export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

export function guarded<P, R>(name: string, log: (message: string) => void, handler: Handler<P, R>): Handler<P, R | ResponseError<void>> {
  return (params, token) => {
    if (token.isCancellationRequested) return cancelled();
    try {
      const result = handler(params, token);
      return token.isCancellationRequested ? cancelled() : result;
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${name} failed: ${detail}`);
      const message = error instanceof Error ? error.message : String(error);
      return new ResponseError(ErrorCodes.InternalError, `Contrastive Lab ${name} failed: ${message}`);
    }
  };
}
