import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CommandMetadata, OptionMetadata } from 'nest-commander';
// nest-commander keeps a command's @Command/@SubCommand/@Option settings as reflect-metadata
// under these keys; they are not re-exported from its index (the version is pinned).
import { CommandMeta, OptionMeta, SubCommandMeta } from 'nest-commander/src/constants';
import { RELEASE, type LedgerConfig } from '@roster-ledger/config';
import { InvalidInput } from '@roster-ledger/domain';

/**
 * A command class. Static, optional: `checkArguments` rejects its positional arguments, alone or
 * with the options given (parsed: see the command's parse methods), throwing an error whose
 * message names the argument and the rule; `checkConfiguration` rejects a command line the
 * configuration cannot serve (a district it does not connect), throwing a DomainError whose code
 * names the problem, once the configuration is loaded and still before the ledger is opened;
 * `subCommandRequired` makes the command alone (its help is printed) or with an unknown
 * sub-command a usage error; `skipsCatchUp` runs the command without bringing the read models
 * up to the log first (see CliModule): it reads none of them, or reports how far behind they are.
 */
export type CommandClass = (abstract new (...args: never[]) => object) & {
  checkArguments?: (args: readonly string[], options: Readonly<Record<string, unknown>>) => void;
  checkConfiguration?: (args: readonly string[], options: Readonly<Record<string, unknown>>, config: LedgerConfig) => void;
  subCommandRequired?: boolean;
  skipsCatchUp?: boolean;
};

/** The command a command line names, with its arguments and its options parsed. */
export interface ChosenCommand {
  type: CommandClass;
  args: readonly string[];
  options: Readonly<Record<string, unknown>>;
}

/** What the command line asks for, judged before any ledger is opened. */
export type Usage =
  /** A command to run (see checkConfiguration for what the configuration must allow of it). */
  | { kind: 'run'; command: ChosenCommand | undefined }
  /** `--help` or `help`: the help to print on stdout. */
  | { kind: 'help'; text: string }
  /** A usage mistake, with what to print on stderr. */
  | { kind: 'wrong'; message: string };

/**
 * Parses `args` (after `node bin`) with a parser built from the same @Command, @SubCommand and
 * @Option declarations Nest's runner uses, without creating any command (so without opening the
 * ledger): an unknown command or option, a missing or rejected option value or a missing or bad
 * argument is found before anything else happens. Option values go through the commands' own
 * parse methods (on an instance made without its constructor: they only check and convert) and
 * through their declared `choices`, which nest-commander drops once a parse method is set.
 */
export function checkUsage(commands: readonly CommandClass[], args: readonly string[], cliName = 'roster-ledger'): Usage {
  const messages: string[] = [];
  const help: string[] = [];
  let chosen: ChosenCommand | undefined;
  const program = new Command(cliName);
  // listed in the help; `--version` alone is answered before this parse (it opens nothing either)
  program.version(RELEASE, '-V, --version', 'print the release');
  for (const command of commands) program.addCommand(buildCommand(command, SUB_OR_ROOT.root, (c) => (chosen = c)));
  quiet(program, messages, help);
  try {
    program.parse([...args], { from: 'user' });
    return { kind: 'run', command: chosen };
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.version') return { kind: 'help', text: help.join('') };
      if (error.code === 'commander.helpDisplayed') return unknownCommandOf(commands, args, cliName) ?? { kind: 'help', text: help.join('') };
      // `roster-ledger help [command]`, which the help lists: the same help, by another name (of a
      // command that is not there, commander shows the general help as an error)
      if (error.code === 'commander.help' && args.includes('help')) {
        return error.exitCode === 0 ? { kind: 'help', text: help.join('') } : { kind: 'wrong', message: `error: unknown command '${args[args.indexOf('help') + 1] ?? ''}'` };
      }
      // `roster-ledger syncs --db x`: the option is a sub-command's, not the group's
      if (error.code === 'commander.unknownOption') {
        const misplaced = optionBeforeCommand(commands, args, cliName) ?? subCommandFirst(commands, args, cliName);
        if (misplaced !== null) return { kind: 'wrong', message: misplaced };
      }
      // `roster-ledger` or `roster-ledger syncs` alone: commander prints the help as the error
      const message = messages.join('').trimEnd() || error.message;
      // most often a name typed without quotes: `search lucia pena`
      if (error.code === 'commander.excessArguments' && /Expected [1-9]/.test(message)) return { kind: 'wrong', message: `${message} A text of several words is one argument: put it in quotes ("lucia pena").` };
      return { kind: 'wrong', message };
    }
    // a parse method or checkArguments rejected a value: its message names the option or argument
    if (error instanceof InvalidInput) return { kind: 'wrong', message: `error: ${error.rule}` };
    return { kind: 'wrong', message: `error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * `--help` after a command that does not exist (`roster-ledger access-log --help`): commander shows
 * the general help and succeeds, which reads as if the command were there. The same mistake as
 * without `--help`, so the same error; null when the command line names commands that exist.
 */
function unknownCommandOf(commands: readonly CommandClass[], args: readonly string[], cliName: string): Extract<Usage, { kind: 'wrong' }> | null {
  const withoutHelp = args.filter((arg) => arg !== '--help' && arg !== '-h');
  if (withoutHelp.length === args.length || withoutHelp.length === 0) return null;
  const usage = checkUsage(commands, withoutHelp, cliName);
  return usage.kind === 'wrong' && usage.message.startsWith('error: unknown command') ? usage : null;
}

/**
 * The message for options given before the command (`roster-ledger --db x syncs list`): commander
 * calls the option unknown, which reads as if no command took it. Null when the command line does
 * not start with an option followed, later, by a command's name.
 */
function optionBeforeCommand(commands: readonly CommandClass[], args: readonly string[], cliName: string): string | null {
  if (!args[0]?.startsWith('-')) return null;
  const names = new Set(commands.map((command) => (Reflect.getMetadata(CommandMeta, command) as CommandMetadata | undefined)?.name));
  const at = args.findIndex((arg) => names.has(arg));
  if (at === -1) return null;
  const before = args.slice(0, at);
  const options = before.filter((arg) => arg.startsWith('-'));
  const what = options.length === 1 ? `${options[0]} goes after the command it is for` : `${options.join(', ')} go after the command they are for`;
  return `error: ${what}: ${cliName} ${[...args.slice(at), ...before].join(' ')}`;
}

/**
 * The message for an option given to a command that needs a sub-command before it
 * (`roster-ledger syncs --db x`): commander blames the option, which each sub-command takes, where
 * the mistake is the missing sub-command. Null when the command line is not of that shape.
 */
function subCommandFirst(commands: readonly CommandClass[], args: readonly string[], cliName: string): string | null {
  const [name, next] = args;
  const group = commands.find((command) => (Reflect.getMetadata(CommandMeta, command) as CommandMetadata | undefined)?.name === name);
  if (group === undefined || group.subCommandRequired !== true || next === undefined || !next.startsWith('-')) return null;
  const subCommands = ((Reflect.getMetadata(CommandMeta, group) as CommandMetadata).subCommands ?? []) as CommandClass[];
  const names = subCommands.map((sub) => (Reflect.getMetadata(SubCommandMeta, sub) as CommandMetadata).name);
  // `syncs --db x list`: the command is there, after the option
  const given = args.findIndex((arg, i) => i > 1 && names.includes(arg));
  if (given !== -1) {
    const moved = [name, args[given]!, ...args.slice(1).filter((_, i) => i + 1 !== given)];
    return `error: ${next} goes after the command it is for: ${cliName} ${moved.join(' ')}`;
  }
  return `error: ${name} needs one of its commands before ${next}: ${names.join(', ')} (as in ${cliName} ${name} ${names[0]} ${args.slice(1).join(' ')})`;
}

/**
 * Runs the chosen command's `checkConfiguration`, if it has one, with the configuration loaded.
 * @throws the DomainError it throws (DISTRICT_NOT_CONFIGURED, CLEVER_TOKEN_MISSING...)
 */
export function checkConfiguration(usage: Extract<Usage, { kind: 'run' }>, config: LedgerConfig): void {
  const chosen = usage.command;
  chosen?.type.checkConfiguration?.(chosen.args, chosen.options, config);
}

const SUB_OR_ROOT = { root: CommandMeta, sub: SubCommandMeta } as const;

/** The commands with all their sub-commands, as one list: every class Nest must provide. */
export function withSubCommands(commands: readonly CommandClass[]): CommandClass[] {
  return commands.flatMap((command) => {
    const meta = (Reflect.getMetadata(CommandMeta, command) ?? Reflect.getMetadata(SubCommandMeta, command)) as CommandMetadata | undefined;
    return [command, ...withSubCommands((meta?.subCommands ?? []) as CommandClass[])];
  });
}

function buildCommand(type: CommandClass, key: string, choose: (chosen: ChosenCommand) => void): Command {
  const meta = Reflect.getMetadata(key, type) as CommandMetadata | undefined;
  if (meta === undefined) throw new Error(`${type.name} has no @Command or @SubCommand`);
  const command = new Command(meta.name).description(meta.description ?? '');
  if (meta.arguments) for (const argument of meta.arguments.split(' ')) command.argument(argument, meta.argsDescription?.[argument.replace(/[<>[\].]/g, '')] ?? '');
  if (meta.allowUnknownOptions) command.allowUnknownOption();
  // a word too many is a mistake too (`import a b` would import a and drop b)
  command.allowExcessArguments(meta.allowExcessArgs ?? false);
  for (const alias of meta.aliases ?? []) command.alias(alias);

  // parse methods are plain checks and conversions: an instance without its dependencies will do
  const instance = Object.create(type.prototype as object) as Record<string, unknown>;
  for (const [method, option] of declaredOptions(type)) {
    const parseMethod = instance[method] as (value: string, previous: unknown) => unknown;
    const parse = parseMethod.bind(instance);
    // a parse method that takes the values before it collects them (`--types a --types b`)
    const collects = parseMethod.length >= 2;
    const declared = new Option(option.flags, option.description).makeOptionMandatory(option.required ?? false);
    if (option.defaultValue !== undefined) declared.default(option.defaultValue);
    const choices = Array.isArray(option.choices) ? option.choices : undefined;
    // any other option given again would silently win over the first (`--db a --db b`)
    let given: string | undefined;
    declared.argParser((value: string, previous: unknown) => {
      // an option left without its value takes the next one's name as it (`--district --read-all`):
      // a sync would be recorded, for good, as of district "--read-all"
      if (/^--[a-z]/i.test(value)) {
        throw new InvalidInput(`${declared.long ?? declared.flags} needs a value, but the next word is the option ${value}: give ${declared.flags}`, {
          field: declared.long ?? declared.flags,
        });
      }
      if (given !== undefined && !collects) {
        throw new InvalidInput(`${declared.long ?? declared.flags} is given twice ("${given}", then "${value}"): give it once`, { field: declared.long ?? declared.flags });
      }
      given = value;
      if (choices !== undefined && !choices.includes(value)) {
        throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
      }
      const parsed = parse(value, previous);
      // an empty value (a script's variable left unset) is no value: read as one, `--db ''` fell
      // back to the default ledger, `--district ''` recorded a sync of no district, `--by ''` a
      // decision by nobody (a parse method with a message of its own for it has thrown by now; a
      // flag's parser is called with no value at all)
      if (typeof value === 'string' && value.trim() === '') {
        throw new InvalidInput(`${declared.long ?? declared.flags} is empty: give it a value, or leave it out`, { field: declared.long ?? declared.flags });
      }
      return parsed;
    });
    command.addOption(declared);
  }
  // without an action, commander itself refuses a command that needs a sub-command
  if (type.subCommandRequired !== true) {
    command.action(() => {
      type.checkArguments?.(command.args, command.opts());
      choose({ type, args: command.args, options: command.opts() });
    });
  }
  for (const sub of meta.subCommands ?? []) {
    const subMeta = Reflect.getMetadata(SubCommandMeta, sub) as CommandMetadata | undefined;
    command.addCommand(buildCommand(sub, SUB_OR_ROOT.sub, choose), { isDefault: subMeta?.options?.isDefault ?? false });
  }
  return command;
}

/** The @Option methods of a command class and its bases, a subclass's own declaration first. */
function declaredOptions(type: CommandClass): Map<string, OptionMetadata> {
  const options = new Map<string, OptionMetadata>();
  for (let proto = type.prototype as object | null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (options.has(name) || name === 'constructor') continue;
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (typeof value !== 'function') continue;
      const meta = Reflect.getMetadata(OptionMeta, value) as OptionMetadata | undefined;
      if (meta !== undefined) options.set(name, meta);
    }
  }
  return options;
}

/** Errors thrown instead of exiting, and commander's own output kept for the caller. */
function quiet(command: Command, messages: string[], help: string[]): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => help.push(text),
    writeErr: (text) => messages.push(text),
    outputError: (text) => messages.push(text),
  });
  for (const sub of command.commands) quiet(sub, messages, help);
}
