// Import specifiers → files, with TypeScript's own module resolution and the nearest tsconfig.json of each file, as
// tsserver does (relative paths, `paths`/`baseUrl`, `.js` written for a `.ts` file, node16/nodenext/bundler modes).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export type Resolution =
  | { kind: 'file'; file: string }
  /** Resolved, but to a file whose functions this analysis does not read: a declaration file or a package. */
  | { kind: 'external'; file: string; reason: 'declaration' | 'node_modules' }
  | { kind: 'unresolved' };

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
/** What a folder without a tsconfig.json up to the root resolves with: what tsserver infers for a loose file. */
const INFERRED_OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, allowJs: true, resolveJsonModule: false };

interface Config {
  options: ts.CompilerOptions;
  cache: ts.ModuleResolutionCache;
}

export class ModuleResolver {
  /** Parsed configs by the tsconfig.json path; the config that applies, by folder. */
  private readonly configs = new Map<string, Config>();
  private readonly configOfFolder = new Map<string, Config>();
  private readonly exists = new Map<string, boolean>();
  private readonly folders = new Map<string, boolean>();
  private readonly host: ts.ModuleResolutionHost;

  /** `root`: the folder above which no tsconfig.json is looked for (the workspace); none: up to the file system's root. */
  constructor(private readonly root?: string) {
    this.host = {
      fileExists: (file) => this.fileExists(file),
      readFile: (file) => readText(file),
      directoryExists: (folder) => this.directoryExists(folder),
      realpath: (path) => path,
      getCurrentDirectory: () => root ?? process.cwd(),
      useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    };
  }

  resolve(specifier: string, importingFile: string): Resolution {
    const config = this.configFor(dirname(importingFile));
    let resolved: ts.ResolvedModuleFull | undefined;
    try {
      const mode = ts.getImpliedNodeFormatForFile(importingFile as ts.Path, config.cache.getPackageJsonInfoCache(), this.host, config.options);
      resolved = ts.resolveModuleName(specifier, importingFile, config.options, this.host, config.cache, undefined, mode).resolvedModule;
    } catch {
      return { kind: 'unresolved' };
    }
    if (!resolved) return { kind: 'unresolved' };
    const file = resolved.resolvedFileName;
    // A package: found through node_modules, or inside a node_modules folder of the workspace (not above it).
    const inside = this.root !== undefined && file.startsWith(this.root) ? file.slice(this.root.length) : file;
    if (resolved.isExternalLibraryImport || /[\\/]node_modules[\\/]/.test(inside)) return { kind: 'external', file, reason: 'node_modules' };
    if (/\.d\.[cm]?ts$/i.test(file) || resolved.extension === ts.Extension.Dts) return { kind: 'external', file, reason: 'declaration' };
    return { kind: 'file', file };
  }

  /** The compiler options of the nearest tsconfig.json (or jsconfig.json) above `folder`, parsed once per config. */
  private configFor(folder: string): Config {
    const known = this.configOfFolder.get(folder);
    if (known) return known;
    let config: Config | undefined;
    for (const name of CONFIG_NAMES) {
      const path = join(folder, name);
      if (this.fileExists(path)) {
        config = this.configs.get(path) ?? this.parseConfig(path);
        this.configs.set(path, config);
        break;
      }
    }
    if (!config) {
      const parent = dirname(folder);
      const atTop = parent === folder || (this.root !== undefined && (folder === this.root || !folder.startsWith(this.root)));
      config = atTop ? this.inferred() : this.configFor(parent);
    }
    this.configOfFolder.set(folder, config);
    return config;
  }

  private inferred(): Config {
    const key = '\0inferred';
    let config = this.configs.get(key);
    if (!config) this.configs.set(key, (config = { options: INFERRED_OPTIONS, cache: ts.createModuleResolutionCache(this.root ?? process.cwd(), (s) => s, INFERRED_OPTIONS) }));
    return config;
  }

  private parseConfig(path: string): Config {
    const read = ts.readConfigFile(path, readText);
    // readDirectory answers nothing: only the options matter here, never the (large) list of files a config includes.
    const parseHost: ts.ParseConfigHost = { useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames, readDirectory: () => [], fileExists: (f) => this.fileExists(f), readFile: readText };
    const parsed = read.error ? undefined : ts.parseJsonConfigFileContent(read.config, parseHost, dirname(path), undefined, path);
    const options = parsed ? { ...parsed.options, allowJs: true } : INFERRED_OPTIONS;
    return { options, cache: ts.createModuleResolutionCache(dirname(path), (s) => s, options) };
  }

  private fileExists(file: string): boolean {
    let known = this.exists.get(file);
    if (known === undefined) {
      try {
        known = statSync(file).isFile();
      } catch {
        known = false;
      }
      this.exists.set(file, known);
    }
    return known;
  }

  private directoryExists(folder: string): boolean {
    let known = this.folders.get(folder);
    if (known === undefined) {
      known = existsSync(folder) && statSync(folder).isDirectory();
      this.folders.set(folder, known);
    }
    return known;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
