/** Who is signed in: a directory entry (staff or committee), found by id or by work email. */
import type { Committee, Directory, Person } from '../domain/directory';

export type Role = Person['role'] | 'committee';

export interface Actor {
  id: string;
  name: string;
  role: Role;
  /** Officials: their 街镇; committees: the 街镇 they belong to. */
  subdistrict?: string;
  committee?: Committee;
}

export const ROLE_TEXT: Record<Role, string> = {
  bureau: '区房管局',
  subdistrict: '街镇',
  inspector: '第三方测评企业',
  panel: '评选团',
  committee: '业委会',
};

function fromPerson(p: Person): Actor {
  return { id: p.id, name: p.name, role: p.role, subdistrict: p.subdistrict };
}

function fromCommittee(c: Committee): Actor {
  return { id: c.id, name: c.name, role: 'committee', subdistrict: c.subdistrict, committee: c };
}

export function actorById(d: Directory, id: string): Actor | undefined {
  const p = d.people.find((x) => x.id === id);
  if (p) return fromPerson(p);
  const c = d.committees.find((x) => x.id === id);
  return c ? fromCommittee(c) : undefined;
}

/** Work emails are compared without case; an address listed twice signs in nobody (ambiguous). */
export function actorByEmail(d: Directory, email: string): Actor | undefined {
  const e = email.trim().toLowerCase();
  if (!e) return undefined;
  const matches = [
    ...d.people.filter((p) => p.email.toLowerCase() === e).map(fromPerson),
    ...d.committees.filter((c) => c.email.toLowerCase() === e).map(fromCommittee),
  ];
  return matches.length === 1 ? matches[0] : undefined;
}

/** A committee's name from the directory, or its id when the directory no longer lists it. */
export const committeeName = (d: Directory, id: string): string => d.committees.find((c) => c.id === id)?.name ?? id;
