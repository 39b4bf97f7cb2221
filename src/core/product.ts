import manifest from '../../package.json';

/** The product's identity, read from the manifest at build time so it is never out of date. */
export const PRODUCT = {
  name: manifest.name,
  displayName: manifest.displayName,
  version: manifest.version,
} as const;
