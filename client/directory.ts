/** Loads and validates the directory file (DIRECTORY_FILE, default data/directory.json). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { directorySchema, type Committee, type Directory, type Person, type StaffRef } from '../domain/directory';
import { zodLine } from '../domain/rejections';
import { UserError } from './errors';

export const DEFAULT_DIRECTORY = join(__dirname, '..', 'data', 'directory.json');

export function loadDirectory(path = process.env.DIRECTORY_FILE ?? DEFAULT_DIRECTORY): Directory {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (err) {
    throw new UserError(`directory ${path}: ${(err as Error).message}`);
  }
  const parsed = directorySchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`directory ${path}: ${zodLine(parsed.error)}`);
  return parsed.data;
}

export function findCommittee(d: Directory, id: string): Committee {
  const c = d.committees.find((x) => x.id === id);
  if (!c) throw new UserError(`--committee: ${id} is not a committee in the directory`);
  return c;
}

export function findActor(d: Directory, id: string): Person | Committee {
  const p = d.people.find((x) => x.id === id) ?? d.committees.find((x) => x.id === id);
  if (!p) throw new UserError(`--as: ${id} is not in the directory`);
  return p;
}

/**
 * The people an application checks actors against. All staff, not only its own 街镇's officials, so a
 * wrong 街镇 is told exactly that rather than "not in the directory". Committees are left out.
 */
export function staffForApplication(d: Directory): StaffRef[] {
  // Names, emails and organisations stay out of the application's history: 17 people, 2,339 → ~900 bytes of input.
  return d.people.map(({ id, role, subdistrict, chair }) => ({ id, role, subdistrict, chair }));
}
