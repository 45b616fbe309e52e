/** An application's actions (notice 三(一)–(三)), one file each; the Update names are these keys. */
import type { ActionName } from '../../shared/actions';
import { notRecommend } from './not-recommend';
import { recommend } from './recommend';
import { recordInspection } from './record-inspection';
import { recordPaperForm } from './record-paper-form';
import { recordReelection } from './record-reelection';

export const applicationActions = {
  recordPaperForm,
  recommend,
  notRecommend,
  recordInspection,
  recordReelection,
};
export type ApplicationActions = typeof applicationActions;
export type ApplicationActionName = ActionName<ApplicationActions>;
export type { ApplicationContext } from './context';
export { applicationContext, requireOpen } from './context';
