// The server never crashes or hangs: hostile and broken inputs get diagnostics or none, every
// request is answered, and a cancelled request is answered as cancelled (-32800).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session } from './helpers';
import { LspClient, type ResponseMessage } from './lsp-client';

const session = new Session();
before(() => session.start());
after(() => session.stop());

const REQUEST_CANCELLED = -32800;

/** Asks every position-based feature at a few places; all must be answered without an error. */
async function probe(uri: string, text: string): Promise<ResponseMessage[]> {
  const lines = text.split('\n');
  const positions = [
    { line: 0, character: 0 },
    { line: Math.floor(lines.length / 2), character: 1 },
    { line: lines.length - 1, character: lines[lines.length - 1]!.length },
  ];
  const requests: Promise<ResponseMessage>[] = [];
  for (const position of positions) {
    for (const method of ['textDocument/completion', 'textDocument/hover', 'textDocument/definition']) {
      requests.push(session.client.request(method, { textDocument: { uri }, position }));
    }
  }
  for (const method of ['textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/codeLens']) {
    requests.push(session.client.request(method, { textDocument: { uri } }));
  }
  const whole = { start: { line: 0, character: 0 }, end: positions[2]! };
  requests.push(session.client.request('textDocument/codeAction', { textDocument: { uri }, range: whole, context: { diagnostics: [] } }));
  return Promise.all(requests);
}

function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const previous = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
  }
  return `experiment: bomb\n${lines.join('\n')}\n`;
}

function binary(): string {
  let text = '';
  let seed = 7;
  for (let i = 0; i < 4000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    text += String.fromCharCode(seed % 256);
  }
  return text;
}

const HOSTILE: Record<string, string> = {
  empty: '',
  'only a comment': '# nothing here\n',
  tabs: 'experiment: x\n\tloss:\n\t\ttype: infoNCE\n\t  temperature:\t0.1\n',
  unicode: 'experiment: "🧪 δοκιμή"\nloss:\n  type: infoNCE # 温度\n  tempér: 0.1\ndescription: "\u202Eright-to-left \uD83D"\n',
  'half-typed': 'experiment: x\nloss:\n  type: trip\n  ma\npairs: {positives: lab, negatives: {type: \ndata:\n  - - - :\n',
  'alias bomb': aliasBomb(),
  binary: binary(),
  'deep nesting': `experiment: x\nloss: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  'deep block nesting': `experiment: x\n${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n')}\n`,
  'json deep nesting': `{"experiment": "x", "loss": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
  'json garbage': '{"experiment": "x", "loss": {"type": [}, ]]]] ,,, "\\u12',
  'ten megabytes': `experiment: big\ndescription: "${'x'.repeat(10 * 1024 * 1024)}"\n`,
  'many lines': `experiment: x\n${'# filler\n'.repeat(200_000)}loss: {type: infoNCE}\n`,
};

describe('hostile input', () => {
  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`${name}: diagnostics or none, and every request answered`, async () => {
      const uri = session.uri(`${name.replace(/\W/g, '-')}.contrastive.${name.startsWith('json') ? 'json' : 'yaml'}`);
      const version = session.set(uri, text);
      await session.client.waitForDiagnostics(uri, () => true, version, 30_000);
      const responses = await probe(uri, text);
      for (const response of responses) assert.equal(response.error, undefined, JSON.stringify(response.error));
      assert.equal(session.client.exitCode, null, 'the server is still running');
    });
  }

  it('a file over the live-check limit gets one information, not a stall', async () => {
    const uri = session.uri('huge.contrastive.yaml');
    const found = await session.diagnostics(uri, HOSTILE['ten megabytes']!);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 3);
    assert.match(found[0]!.message, /million characters/);
  });

  it('still checks a normal file afterwards', async () => {
    const found = await session.diagnostics(session.uri('after.contrastive.yaml'), 'experiment: x\nloss: {type: infoNCE, temperature: 0}\n');
    assert.equal(found.length, 1);
  });
});

describe('cancellation', () => {
  it('a request cancelled before it runs is answered with RequestCancelled', async () => {
    const uri = session.uri('cancel.contrastive.yaml');
    session.set(uri, 'experiment: x\nloss:\n  type: infoNCE\n');
    const id = session.client.allocateId();
    const response = session.client.expectResponse(id);
    // Both messages in one write: the cancellation arrives while the request is still queued.
    session.client.writeRaw(
      Buffer.concat([
        LspClient.frame({ id, method: 'textDocument/completion', params: { textDocument: { uri }, position: { line: 2, character: 2 } } }),
        LspClient.frame({ method: '$/cancelRequest', params: { id } }),
      ]),
    );
    const answer = await response;
    assert.equal(answer.error?.code, REQUEST_CANCELLED);
  });

  it('every cancelled request in a burst is answered, each either with a result or as cancelled', async () => {
    const uri = session.uri('cancel-burst.contrastive.yaml');
    session.set(uri, 'experiment: x\nloss:\n  type: infoNCE\n');
    const frames: Buffer[] = [];
    const answers: Promise<ResponseMessage>[] = [];
    for (let i = 0; i < 50; i++) {
      const id = session.client.allocateId();
      answers.push(session.client.expectResponse(id));
      frames.push(LspClient.frame({ id, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 2, character: 10 } } }));
      if (i % 2 === 0) frames.push(LspClient.frame({ method: '$/cancelRequest', params: { id } }));
    }
    session.client.writeRaw(Buffer.concat(frames));
    const results = await Promise.all(answers);
    results.forEach((r, i) => {
      if (i % 2 === 0) assert.equal(r.error?.code, REQUEST_CANCELLED);
      else assert.equal(r.error, undefined);
    });
  });
});

describe('transports', () => {
  it('speaks LSP over Node IPC (as VS Code starts it)', async () => {
    const { fork } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ROOT } = await import('./lsp-client');
    const bundle = join(ROOT, 'dist', 'language-server.js');
    const child = existsSync(bundle)
      ? fork(bundle, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
      : fork(join(ROOT, 'server/language/main.ts'), ['--node-ipc'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const reply = new Promise<{ id: number; result?: { capabilities?: object } }>((resolve) => child.on('message', (m) => resolve(m as { id: number; result?: { capabilities?: object } })));
    child.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
    const message = await reply;
    child.kill();
    assert.equal(message.id, 1);
    assert.ok(message.result?.capabilities);
  });

  it('the contrastive-lab-language-server bin speaks LSP over --stdio', async (t) => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ROOT } = await import('./lsp-client');
    if (!existsSync(join(ROOT, 'dist', 'language-server.js'))) return t.skip('needs `npm run build` (the bin loads the bundle)');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'contrastive-lab-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const reply = new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"capabilities"')) resolve(out);
      });
    });
    child.stdin.write(LspClient.frame({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } }));
    const out = await reply;
    child.kill();
    assert.match(out, /^Content-Length: \d+\r\n\r\n\{"jsonrpc":"2\.0","id":1,"result":\{"capabilities"/);
  });

  it('refuses to start without a transport, saying which flags exist', async () => {
    const { spawnSync } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ROOT } = await import('./lsp-client');
    const bundle = join(ROOT, 'dist', 'language-server.js');
    const args = existsSync(bundle) ? [bundle] : ['--import', 'tsx', join(ROOT, 'server/language/main.ts')];
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--stdio/);
  });
});
