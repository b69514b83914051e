// Stop requests: SIGTERM / SIGINT set a flag the loop checks after each step, so the current step
// finishes, a checkpoint is written and the run is marked stopped. A second SIGINT exits at once.

export interface StopSignal {
  readonly requested: boolean;
  readonly reason: string | null;
  request(reason: string): void;
  dispose(): void;
}

export function createStopSignal(listen: boolean): StopSignal {
  let requested = false;
  let reason: string | null = null;
  const handlers: [NodeJS.Signals, () => void][] = [];
  const signal: StopSignal = {
    get requested() {
      return requested;
    },
    get reason() {
      return reason;
    },
    request(why: string) {
      if (requested && why === 'SIGINT') process.exit(130);
      requested = true;
      reason = why;
    },
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
  if (listen) {
    for (const name of ['SIGTERM', 'SIGINT'] as const) {
      const handler = (): void => signal.request(name);
      process.on(name, handler);
      handlers.push([name, handler]);
    }
  }
  return signal;
}
