// The page's handle on VS Code: typed postMessage and the persisted state that survives hiding
// the panel and reloading the window. Runtime errors are forwarded to the host's log.

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

export interface PanelChannel<ToHost, State> {
  post(message: ToHost): void;
  /** The state saved by the previous instance of this page, unvalidated. */
  savedState(): unknown;
  save(state: State): void;
  /** Calls `handler` for every message from the host. */
  onMessage<FromHost>(handler: (message: FromHost) => void): void;
}

export function connect<ToHost extends { type: string }, State>(): PanelChannel<ToHost, State> {
  const api = acquireVsCodeApi();
  const channel: PanelChannel<ToHost, State> = {
    post: (message) => api.postMessage(message),
    savedState: () => api.getState(),
    save: (state) => api.setState(state),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent) => {
        const data: unknown = event.data;
        if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
          handler(data as Parameters<typeof handler>[0]);
        }
      });
    },
  };
  const report = (message: string): void => api.postMessage({ type: 'webviewError', message: message.slice(0, 4000) });
  window.addEventListener('error', (event) => report(`${event.message} (${event.filename}:${event.lineno})`));
  window.addEventListener('unhandledrejection', (event) => report(`Unhandled rejection: ${String(event.reason)}`));
  return channel;
}
