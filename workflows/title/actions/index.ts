/** A title's actions (notice 五(三)–(四)), one file each; the Update names are these keys. */
import type { ActionName } from '../../shared/actions';
import { confirmRecovery } from './confirm-recovery';
import { fileReelection } from './file-reelection';
import { recordIncident } from './record-incident';

export const titleActions = { recordIncident, fileReelection, confirmRecovery };
export type TitleActions = typeof titleActions;
export type TitleActionName = ActionName<TitleActions>;
export { titleContext, type TitleContext } from './context';
