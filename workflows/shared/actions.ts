/**
 * One table of actions per workflow (workflows/<wf>/actions/). An action is one object: its zod schema,
 * who may do it (a rule of domain/authorization.ts), when (a phase or deadline guard on workflow state),
 * and `apply`, the state change, which returns the message for the sender. From the table come the
 * Update definitions (named by key: running workflows and the golden histories know these names), the
 * workflow's validators and handlers (registerActions), and the client's typed `act` (client/act.ts).
 *
 * Rules throw a Rejection (domain/rejections.ts); registerActions maps it to the ApplicationFailure
 * the client reads (temporal/rejections.ts), in the validator and in the handler alike.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineUpdate, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import { lazy } from '../../domain/lazy';
import { parse, reject } from '../../domain/rejections';
import { toFailure } from '../../temporal/rejections';

/** What `apply` returns: the message for the sender and, for a filed objection, its id. */
export interface Applied {
  message: string;
  objectionId?: string;
}

/**
 * The answer to every action of every workflow: the workflow's stage after it (a campaign's phase, an
 * application's or a re-evaluation's stage, a title's status) and the message. Callers written against
 * the older per-workflow names read the same value as `phase` (campaign) or `status` (title).
 */
export interface ActionResult extends Applied {
  stage: string;
}

/**
 * One action. `C` is what the workflow hands its rules: state, input and the instants it decides with.
 * Method syntax on purpose: a table holds actions of different schemas under one type.
 */
export interface Action<S extends z.ZodType, C> {
  schema: S;
  /** Who may do it; throws a Rejection (WrongActor, or NotFound when the actor's scope is unknown). */
  who(data: z.infer<S>, c: C): void;
  /** When it may be done: phase, deadlines, duplicates; throws a Rejection. */
  when(data: z.infer<S>, c: C): void;
  /** The state change; runs only after `who` and `when` passed, in the Update handler. */
  apply(data: z.infer<S>, c: C): Applied;
  /** The checks on applications' reports (the registry): stages, eligibility; throws a Rejection. */
  reported?(data: z.infer<S>, c: C): void;
  /**
   * The 街镇 whose reports `reported` decides with ('all': every 街镇). Where reports reach the workflow in
   * batches (ActionWiring.gather), the validator checks all but `reported`; the handler first gathers those
   * reports, then checks everything on what it finds.
   */
  gathers?(data: z.infer<S>, c: C): string[] | 'all';
}

export type ActionTable<C> = Record<string, Action<z.ZodType, C>>;

/** An action as its file writes it: the schema as a function, built on first use (actionFor). */
export type ActionSpec<S extends z.ZodType, C> = Omit<Action<S, C>, 'schema'> & { schema: () => S };

/**
 * Types each action of a table against the workflow's context `C`, keeping its own schema. The schema is
 * built when first read, not when the module loads: each cached workflow holds the schemas it built in a
 * sandbox of its own, and an application usually takes two of its five actions (a decision, an inspection).
 */
export const actionFor =
  <C>() =>
  <S extends z.ZodType>(a: ActionSpec<S, C>): Action<S, C> => {
    const schema = lazy(a.schema);
    return Object.defineProperty({ ...a }, 'schema', { get: schema, enumerable: true }) as unknown as Action<S, C>;
  };

export type ActionName<T> = keyof T & string;
export type ActionInput<T extends ActionTable<never>, N extends ActionName<T>> = z.input<T[N]['schema']>;
export type ActionData<T extends ActionTable<never>, N extends ActionName<T>> = z.infer<T[N]['schema']>;

/** The Update definitions of a table, named by key. */
export type ActionUpdates<T extends ActionTable<never>, R extends ActionResult> = {
  [N in ActionName<T>]: UpdateDefinition<R, [ActionInput<T, N>], N>;
};

/** The Update definitions of a table, one per action, named by its key. */
export function defineActions<R extends ActionResult>() {
  return <T extends ActionTable<never>>(table: T): ActionUpdates<T, R> =>
    Object.fromEntries(Object.keys(table).map((name) => [name, defineUpdate(name)])) as ActionUpdates<T, R>;
}

/** The schemas of a table by name: the client validates with the very schemas the workflow does. */
export function schemasOf<T extends ActionTable<never>>(table: T): { [N in ActionName<T>]: T[N]['schema'] } {
  // Read on use, like the actions' own: listing the names builds no schema.
  const schemas = {} as { [N in ActionName<T>]: T[N]['schema'] };
  for (const name of Object.keys(table))
    Object.defineProperty(schemas, name, { get: () => table[name].schema, enumerable: true });
  return schemas;
}

export interface ActionWiring<T extends ActionTable<C>, C, R extends ActionResult> {
  updates: ActionUpdates<T, R>;
  /**
   * The context the rules decide with. Validators run live only (never on replay), so they may read the
   * clock later than the timers; handlers decide with what the history gives.
   */
  context(at: 'validate' | 'handle', name: ActionName<T>): C;
  /**
   * Handlers only: what a payload recorded in an older history meant, where a validator now refuses its
   * form (e.g. a bare date, read as 24:00 Beijing). Replays run no validator, so the handler must still
   * take what running workflows were sent.
   */
  recorded?(payload: unknown): unknown;
  /** A rule every action of the workflow passes first (e.g. an application that is closed takes none). */
  guard?(c: C): void;
  /**
   * Where application reports arrive in batches: brings in every report of these 街镇 received so far, for the
   * actions that declare `gathers`. Absent: reports arrive one by one and every action is checked at once.
   */
  gather?(subdistricts: string[] | 'all'): Promise<void>;
  /** Records an accepted action in the audit trail. */
  audit(name: ActionName<T>, payload: unknown, applied: Applied): void;
  /** After the state change and its audit entry: the workflow's own follow-ups, and the answer. */
  settle(name: ActionName<T>, applied: Applied): Promise<R> | R;
}

/**
 * Wires every action of a table as an Update: the validator runs the checks (schema, guard, who, when);
 * the handler runs them again on the state it finds (a replay runs no validator), applies, audits and
 * settles. A Rejection leaves both as a non-retryable ApplicationFailure of its kind.
 */
export function registerActions<T extends ActionTable<C>, C, R extends ActionResult>(
  table: T,
  wiring: ActionWiring<T, C, R>,
): void {
  const guard = wiring.guard && ((x: C) => wiring.guard!(x));
  const check = (name: ActionName<T>, payload: unknown, c: C) => checkAction(table, name, payload, c, guard);
  // Checked before its reports are gathered: the schema, the guard and `who` only.
  const gathering = (name: ActionName<T>) => (wiring.gather && table[name].gathers ? table[name] : undefined);
  for (const name of Object.keys(table) as ActionName<T>[]) {
    const update: UpdateDefinition<R, [unknown], string> = wiring.updates[name];
    setHandler(
      update,
      async (payload: unknown) => {
        try {
          const recorded = wiring.recorded ? wiring.recorded(payload) : payload;
          const a = gathering(name);
          if (a) {
            const early = wiring.context('handle', name);
            await wiring.gather!(a.gathers!(checkAction(table, name, recorded, early, guard, false), early));
          }
          const c = wiring.context('handle', name);
          const applied = applyAction(table, name, check(name, recorded, c), c);
          wiring.audit(name, payload, applied);
          return await wiring.settle(name, applied);
        } catch (err) {
          throw toFailure(err);
        }
      },
      {
        validator: (payload: unknown) => {
          try {
            checkAction(table, name, payload, wiring.context('validate', name), guard, !gathering(name));
          } catch (err) {
            throw toFailure(err);
          }
        },
      },
    );
  }
}

/**
 * The checks of one action, outside a workflow (tests, tools) and in it: the data it would apply, or a Rejection.
 * `withReports` false leaves out the checks on reports not yet gathered.
 */
export function checkAction<T extends ActionTable<C>, C, N extends ActionName<T>>(
  table: T,
  name: N,
  payload: unknown,
  c: C,
  guard?: (c: C) => void,
  withReports = true,
): ActionData<T, N> {
  const a = table[name];
  if (!a) reject('InvalidInput', `unknown action ${String(name)}`);
  const data = parse(a.schema, payload) as ActionData<T, N>;
  guard?.(c);
  a.who(data, c);
  a.when(data, c);
  if (withReports) a.reported?.(data, c);
  return data;
}

/** Applies checked data, as the workflow's handler does. */
export function applyAction<T extends ActionTable<C>, C, N extends ActionName<T>>(
  table: T,
  name: N,
  data: ActionData<T, N>,
  c: C,
): Applied {
  const a: Action<z.ZodType, C> = table[name];
  return a.apply(data, c);
}
