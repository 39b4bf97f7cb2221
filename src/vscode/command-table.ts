import * as vscode from 'vscode';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- command arguments are untyped in VS Code too
export type CommandHandler = (...args: any[]) => unknown;
export type CommandRegistrar = (id: string, handler: CommandHandler) => vscode.Disposable;

/**
 * The feature commands' handlers, kept by the lazily loaded features bundle. The small activation bundle registers
 * each command id once with VS Code and forwards here, so a command works before its bundle is loaded.
 */
export class CommandTable {
  private readonly handlers = new Map<string, CommandHandler>();

  readonly register: CommandRegistrar = (id, handler) => {
    this.handlers.set(id, handler);
    return new vscode.Disposable(() => this.handlers.delete(id));
  };

  run(id: string, args: unknown[]): unknown {
    const handler = this.handlers.get(id);
    if (!handler) throw new Error(`${id} is not available`);
    return handler(...args);
  }
}
