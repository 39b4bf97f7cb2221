// Named imports: the bundler keeps these three fields, not the whole manifest.
import { displayName, name, version } from '../../package.json';

/** The product's identity, read from the manifest at build time so it is never out of date. */
export const PRODUCT = { name, displayName, version } as const;
