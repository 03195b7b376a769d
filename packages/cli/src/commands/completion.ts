import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { ExitCode } from "../exit-codes.js";
import type { CommandIo } from "./io.js";

/** The shells `ttrpc completion` writes scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Long and short flags, e.g. `--metadata`, `-m`. */
  readonly flags: readonly string[];
  readonly options: readonly { long?: string | undefined; short?: string | undefined; takesValue: boolean; description: string }[];
}

/** The commands and their options, read from the commander program so completion never drifts from it. */
function specs(program: Command): CommandSpec[] {
  return program.commands.map((cmd) => {
    const options = [...cmd.options, { long: "--help", short: "-h", required: false, optional: false, description: "show help" }];
    return {
      name: cmd.name(),
      summary: cmd.summary() || cmd.description(),
      flags: options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === "string")),
      options: options.map((o) => ({ long: o.long, short: o.short, takesValue: o.required || o.optional, description: o.description })),
    };
  });
}

function bash(program: Command): string {
  const cmds = specs(program);
  const cases = cmds.map((c) => `    ${c.name}) opts="${c.flags.join(" ")}" ;;`).join("\n");
  return `# bash completion for ttrpc (ttrpc completion bash)
_ttrpc() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]} opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${cmds.map((c) => c.name).join(" ")} help --help --version" -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
    help) COMPREPLY=($(compgen -W "${cmds.map((c) => c.name).join(" ")}" -- "$cur")); return ;;
  esac
  if [ "$cmd" = completion ]; then COMPREPLY=($(compgen -W "${SHELLS.join(" ")}" -- "$cur")); return; fi
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -o default -o bashdefault -F _ttrpc ttrpc
`;
}

// zsh runs the bash function through its bashcompinit layer.
function zsh(program: Command): string {
  return `#compdef ttrpc
# zsh completion for ttrpc (ttrpc completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(program).split("\n").slice(1).join("\n")}`;
}

function fish(program: Command): string {
  const quote = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const lines = ["# fish completion for ttrpc (ttrpc completion fish)", "complete -c ttrpc -f"];
  for (const c of specs(program)) {
    lines.push(`complete -c ttrpc -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`);
    for (const o of c.options) {
      const parts = [`complete -c ttrpc -n ${quote(`__fish_seen_subcommand_from ${c.name}`)}`];
      if (o.long) parts.push(`-l ${o.long.slice(2)}`);
      if (o.short) parts.push(`-s ${o.short.slice(1)}`);
      if (o.takesValue) parts.push("-r -F");
      parts.push(`-d ${quote(o.description)}`);
      lines.push(parts.join(" "));
    }
  }
  lines.push(`complete -c ttrpc -n ${quote("__fish_seen_subcommand_from completion")} -a ${quote(SHELLS.join(" "))}`);
  return `${lines.join("\n")}\n`;
}

/** `ttrpc completion SHELL`: prints the completion script for SHELL. */
export function runCompletion(shell: string, program: Command, io: CommandIo): number {
  const scripts: Record<(typeof SHELLS)[number], (p: Command) => string> = { bash, zsh, fish };
  const make = (SHELLS as readonly string[]).includes(shell) ? scripts[shell as (typeof SHELLS)[number]] : undefined;
  if (make === undefined) throw new CliError(`completion: unknown shell ${JSON.stringify(shell)}; choose one of ${SHELLS.join(", ")}`);
  io.stdout.write(make(program));
  return ExitCode.Ok;
}
