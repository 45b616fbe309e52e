/** The committee filed its re-election (换届改选备案) while its application runs: recorded on the application. */
import { toIso } from '../../../domain/calendar';
import { reelectionFilingSchema, requireFiler } from '../../../domain/reelection';
import { reject } from '../../../domain/rejections';
import { applicationAction } from './context';

export const recordReelection = applicationAction({
  schema: reelectionFilingSchema,
  who: (data, { input }) =>
    requireFiler(input.staff, data.actor, input.form.committeeId, input.form.subdistrict, 'recordReelection'),
  when: (_data, { s }) => {
    if (s.reelection)
      reject(
        'Duplicate',
        `新一届业委会已于 ${s.reelection.filedOn} 备案（备案编号 ${s.reelection.filingRef}），已记录`,
      );
  },
  apply: (data, { s, at }) => {
    s.reelection = { filedOn: data.filedOn, filingRef: data.filingRef, by: data.actor, at: toIso(at), note: data.note };
    return { message: `已记录换届改选备案：新一届业委会于 ${data.filedOn} 备案（备案编号 ${data.filingRef}）` };
  },
});
