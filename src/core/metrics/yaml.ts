// A minimal YAML writer for the generated rule files: objects, arrays, strings, numbers, booleans.
// Strings are always double-quoted JSON strings, which YAML reads as the same string, so no
// PromQL or template text can be misread as YAML syntax.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

export function toYaml(value: YamlValue, comment?: string): string {
  const header = comment ? `${comment.split('\n').map((line) => `# ${line}`.trimEnd()).join('\n')}\n` : '';
  return `${header}${block(value, 0).join('\n')}\n`;
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} to YAML here`);
    return String(value);
  }
  return typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function isEmptyContainer(value: YamlValue): boolean {
  return Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function block(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item !== 'object' || item === null || isEmptyContainer(item)) return [`${pad}- ${inline(item)}`];
      const lines = block(item, indent + 2);
      return [`${pad}- ${lines[0]!.trimStart()}`, ...lines.slice(1)];
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => {
      if (item === undefined) return [];
      const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
      if (typeof item !== 'object' || item === null || isEmptyContainer(item)) return [`${pad}${name}: ${inline(item)}`];
      return [`${pad}${name}:`, ...block(item, Array.isArray(item) ? indent : indent + 2)];
    });
  }
  return [`${pad}${scalar(value)}`];
}

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object' && value !== null) return '{}';
  return scalar(value);
}
