export { LiveDelivery, type LiveDeliveryOptions } from './LiveDelivery.js';
export { RecordTails } from './RecordTail.js';
export { handleSubscribeDocs, handleUnsubscribeDocs, maxDocSubscriptions } from './docSubscriptions.js';
export { docRoom } from './rooms.js';
