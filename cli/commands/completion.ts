// dom0-acpi completion bash|zsh: a completion script made from the program's own definition
// (commands, options, fixed choices, pass names, table signatures), so it never drifts from --help.
import { Argument, type Command, type Option } from 'commander';
import { PASSES } from '../../src/rewrite/pipeline.js';
import { decodedSignatures } from '../../src/tables/registry.js';
import type { Io } from '../io.js';
import { collect } from '../input.js';

/** The values an option's argument completes to: its declared choices, else what it names. */
function valuesOf(o: Option): string[] | 'files' | undefined {
  if (!o.required && !o.optional) return undefined; // a flag
  if (o.argChoices?.length) return o.argChoices;
  switch (o.long) {
    case '--skip':
    case '--only':
      return Object.keys(PASSES);
    case '--table':
      return [...new Set(['RSDP', ...decodedSignatures()])];
    case '--ignore':
      return ['derived', 'addresses', 'derived,addresses'];
    case '--output':
      return 'files';
    default:
      return undefined; // an address, a number, a string: nothing to offer
  }
}

interface Spec {
  name: string;
  about: string;
  options: { names: string[]; about: string; takes: boolean; repeats: boolean; values: string[] | 'files' | undefined }[];
}

function specs(program: Command): Spec[] {
  return program.commands
    .filter((c) => c.name() !== 'completion')
    .map((c) => ({
      name: c.name(),
      about: c.description(),
      options: [
        ...c.options,
        ...(c.options.some((o) => o.long === '--help')
          ? []
          : [{ long: '--help', short: '-h', description: 'display help', required: false, optional: false } as Option]),
      ].map((o) => ({
        names: [o.short, o.long].filter((n): n is string => Boolean(n)),
        about: o.description,
        takes: o.required || o.optional,
        repeats: o.parseArg === collect,
        values: valuesOf(o),
      })),
    }));
}

const shellWords = (ws: string[]) => ws.join(' ');

function bash(program: Command): string {
  const cs = specs(program);
  const optionCases = cs.map((c) => `    ${c.name}) opts="${shellWords(c.options.flatMap((o) => o.names))}" ;;`).join('\n');
  const valueCases = cs
    .flatMap((c) =>
      c.options
        .filter((o) => o.values)
        .map((o) => {
          const pattern = o.names.map((n) => `${c.name}:${n}`).join('|');
          return o.values === 'files'
            ? `    ${pattern}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`
            : `    ${pattern}) COMPREPLY=($(compgen -W "${shellWords(o.values!)}" -- "$cur")); return ;;`;
        }),
    )
    .join('\n');
  return `# bash completion for dom0-acpi (made by: dom0-acpi completion bash)
# load it now:  source <(dom0-acpi completion bash)
# or for good:  dom0-acpi completion bash > ~/.local/share/bash-completion/completions/dom0-acpi
_dom0_acpi() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${shellWords([...cs.map((c) => c.name), 'completion', 'help', '--help', '--version'])}" -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
${valueCases}
    completion:completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")); return ;;
    help:help) COMPREPLY=($(compgen -W "${shellWords(cs.map((c) => c.name))}" -- "$cur")); return ;;
  esac
  case "$cmd" in
${optionCases}
    *) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _dom0_acpi dom0-acpi
`;
}

/** Text safe inside a zsh _arguments description: [ ] : and quotes would end it early. */
const zshText = (s: string) =>
  s
    .replace(/[[\]]/g, (b) => (b === '[' ? '(' : ')'))
    .replace(/:/g, ' -')
    .replace(/'/g, '')
    .replace(/\s+/g, ' ')
    .trim();

function zsh(program: Command): string {
  const cs = specs(program);
  const commands = [
    ...cs.map((c) => `'${c.name}:${zshText(c.about)}'`),
    `'completion:print a shell completion script (bash or zsh)'`,
    `'help:display help for a command'`,
  ];
  // an option's argument: files, a list of values, or free text (an address, a number)
  const action = (o: Spec['options'][number]) =>
    o.values === 'files' ? ':path:_files' : o.values ? `:value:(${o.values.map((x) => x.replace(/,/g, '\\,')).join(' ')})` : o.takes ? ':value: ' : '';
  const cases = cs
    .map((c) => {
      const lines = c.options.map((o) => {
        const value = action(o);
        const about = zshText(o.about);
        // a repeatable option stays on offer ('*'); an option with a short form excludes its twin
        if (o.repeats) return o.names.length > 1 ? `'*'{${o.names.join(',')}}'[${about}]${value}'` : `'*${o.names[0]}[${about}]${value}'`;
        return o.names.length > 1 ? `'(${o.names.join(' ')})'{${o.names.join(',')}}'[${about}]${value}'` : `'${o.names[0]}[${about}]${value}'`;
      });
      return `    (${c.name})\n      _arguments -s ${lines.join(' \\\n        ')} \\\n        '*:input:_files' ;;`;
    })
    .join('\n');
  return `#compdef dom0-acpi
# zsh completion for dom0-acpi (made by: dom0-acpi completion zsh)
# load it now:  source <(dom0-acpi completion zsh)
# or for good:  dom0-acpi completion zsh > "\${fpath[1]}/_dom0-acpi"
_dom0_acpi() {
  local -a commands
  commands=(${commands.join(' ')})
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case $words[2] in
${cases}
    (completion) _arguments '1:shell:(bash zsh)' ;;
    (help) _describe 'command' commands ;;
  esac
}
if [[ -n \${ZSH_VERSION-} ]]; then compdef _dom0_acpi dom0-acpi; fi
`;
}

export function registerCompletion(program: Command, io: Io): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(dom0-acpi completion bash), or zsh')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => io.out(shell === 'bash' ? bash(program) : zsh(program)));
}
