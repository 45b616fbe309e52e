/** The selection's pages: inspection scores, the panel, the bureau's objection review; the fresh confirmation they share. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../server';
import { registerFreshConfirmation } from '../selection/fresh-confirmation';
import { registerInspectionRoutes } from './inspection';
import { registerObjectionReviewRoutes } from './objections-review';
import { registerPanelRoutes } from './panel';

export function registerSelectionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const confirmations = registerFreshConfirmation(app, ctx);
  registerInspectionRoutes(app, ctx);
  registerPanelRoutes(app, ctx, confirmations);
  registerObjectionReviewRoutes(app, ctx, confirmations);
}
