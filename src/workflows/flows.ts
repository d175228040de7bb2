import { Wake } from '../platform/wake.ts';
import type { DeliveryActions } from '../modules/fulfillment/fulfillment.routes.ts';
import { deliveryActions } from './delivery-actions.workflow.ts';
import { orderActions, type OrderActions } from './order-actions.workflow.ts';
import { orderIntake, type OrderIntake } from './order-intake.workflow.ts';

/**
 * The workflows of one process, wired once by the composition root (`oms serve`, `oms worker`,
 * buildApp) and handed to the modules that start them: routes, channel pulls and pushes, the demo.
 * They share this process's wake for delivery orders made due, on which its dispatcher sleeps.
 */
export interface Flows {
  intake: OrderIntake;
  orders: OrderActions;
  deliveries: DeliveryActions;
  deliveriesDue: Wake;
}

export function createFlows(deliveriesDue = new Wake()): Flows {
  return {
    intake: orderIntake({ deliveriesDue }),
    orders: orderActions({ deliveriesDue }),
    deliveries: deliveryActions({ deliveriesDue }),
    deliveriesDue,
  };
}
