// First, so the V8 limits hold while everything else loads.
import { limitMemoryGrowth } from './limit-memory-growth.js';
import { ferryVersionLine } from './ferry-version.js';
import { ConfigError } from '../config/config-error.js';
import { exitIfUnsettled } from './exit-if-unsettled.js';

limitMemoryGrowth();

const usage = `Usage: ferry <command> [options]

Commands:
  serve     serve the Anthropic Messages API in front of your model (ferry serve --help)
  claude    start Claude Code wired to Ferry, starting Ferry if needed (ferry claude --help)

Options:
  --version  print Ferry's version
  --help     this text
`;

// Each command is loaded when run: what one needs (an HTTP client, the engine) costs the
// other memory for as long as it runs.
const commands: Record<string, (argv: readonly string[]) => Promise<number>> = {
  serve: async (argv) => (await import('./serve-command.js')).serveCommand(argv),
  claude: async (argv) => (await import('./claude-command.js')).claudeCommand(argv),
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  // Exit codes (docs/configuration.md): 2 for a usage or configuration error, 1 at run time.
  if (name === undefined) {
    process.stderr.write(`ferry: no command given\n\n${usage}`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(ferryVersionLine());
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`ferry: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  return command(rest);
}

const running = main(process.argv.slice(2));
exitIfUnsettled(running, process.argv[2] ?? 'ferry');
running.then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`ferry: ${error.message}\n`);
    else process.stderr.write(`ferry: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
