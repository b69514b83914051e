// The CLI's dispatcher: picks the subcommand. Bad input gets a helpful message and exit code 2;
// unexpected failures get one line (the stack only with CONTRASTIVE_LAB_DEBUG=1).
import { version as VERSION } from '../../package.json';
import { closest } from '../spec/suggest';
import { UsageError } from './command';
import { COMMANDS } from './commands';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'contrastive-lab — design, run and inspect contrastive representation-learning experiments.',
    '',
    'Usage: contrastive-lab <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `contrastive-lab <command> --help` for a command\'s options.',
    'Options: --help, --version',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${topic ? (await topic.load()).usage : mainHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const suggestion = closest(name, COMMANDS.map((c) => c.name));
    process.stderr.write(`contrastive-lab: unknown ${name.startsWith('-') ? 'option' : 'command'} '${name}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} See \`contrastive-lab --help\`.\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`contrastive-lab ${entry.name}: ${error.message.trimEnd().replace(/([^.?!])$/, '$1.')} See \`contrastive-lab ${entry.name} --help\`.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`contrastive-lab ${entry.name}: ${message}\n`);
    if (process.env.CONTRASTIVE_LAB_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
