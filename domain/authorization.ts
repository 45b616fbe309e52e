/** Who may do what. The one place that answers "is this person allowed to act here?". */
import type { Person, StaffRef } from './directory';
import { reject } from './rejections';

export type StaffRole = Person['role'];

export function findPerson<P extends StaffRef>(staff: readonly P[], actorId: string): P {
  const person = staff.find((p) => p.id === actorId);
  if (!person) reject('WrongActor', `actor ${actorId} is not in the directory`);
  return person;
}

export function requireRole<P extends StaffRef>(
  staff: readonly P[],
  actorId: string,
  role: StaffRole,
  action: string,
): P {
  const person = findPerson(staff, actorId);
  if (person.role !== role) reject('WrongActor', `${action} needs role ${role}; ${actorId} is ${person.role}`);
  return person;
}

/** A 街镇 official may act only for committees of their own 街镇. */
export function requireSubdistrictOfficial<P extends StaffRef>(
  staff: readonly P[],
  actorId: string,
  subdistrict: string,
  action: string,
): P {
  const person = requireRole(staff, actorId, 'subdistrict', action);
  if (person.subdistrict !== subdistrict)
    reject('WrongActor', `${action}: ${actorId} is an official of ${person.subdistrict}, not of ${subdistrict}`);
  return person;
}

export function requirePanelChair<P extends StaffRef>(staff: readonly P[], actorId: string, action: string): P {
  const person = requireRole(staff, actorId, 'panel', action);
  if (!person.chair) reject('WrongActor', `${action} is for the panel chair; ${actorId} is a panel member`);
  return person;
}

/** One of several roles, e.g. the re-evaluation inspection: the bureau or the company it commissions. */
export function requireAnyRole<P extends StaffRef>(
  staff: readonly P[],
  actorId: string,
  roles: StaffRole[],
  action: string,
): P {
  const person = findPerson(staff, actorId);
  if (!roles.includes(person.role))
    reject('WrongActor', `${action} needs role ${roles.join(' or ')}; ${actorId} is ${person.role}`);
  return person;
}

/** A committee acts for itself only: its actor id is its committee id. */
export function requireCommittee(
  staff: readonly StaffRef[],
  actorId: string,
  committeeId: string,
  action: string,
): void {
  if (actorId === committeeId) return;
  const person = staff.find((p) => p.id === actorId);
  reject(
    'WrongActor',
    `${action} is for committee ${committeeId} itself; ${actorId} is ${person ? person.role : 'not that committee'}`,
  );
}

/** Who may read a committee's application or title: the bureau, officials of the committee's own 街镇, the committee itself. */
export function mayReadCommittee(
  reader: { id: string; role: StaffRole | 'committee'; subdistrict?: string },
  committee: { id: string; subdistrict: string },
): boolean {
  return (
    reader.role === 'bureau' ||
    (reader.role === 'subdistrict' && reader.subdistrict === committee.subdistrict) ||
    (reader.role === 'committee' && reader.id === committee.id)
  );
}
