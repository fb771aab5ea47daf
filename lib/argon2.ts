/**
 * Password hashing parameters, set explicitly (not left to the library's defaults): argon2id
 * with 19 MiB of memory, 2 passes and 1 lane, the OWASP Password Storage Cheat Sheet's
 * minimum configuration. Shared by sign-in (lib/server/passwords.ts), the demo seed and
 * `npm run admin:create`. A hash records its own parameters, so raising them later keeps
 * existing hashes verifiable.
 */
import type { Options } from '@node-rs/argon2';

export const ARGON2_OPTIONS = {
  // Algorithm.Argon2id (a const enum in the library's types, so spelled out here).
  algorithm: 2 as Options['algorithm'],
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} satisfies Options;
