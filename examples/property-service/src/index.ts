// The property service example: an HTTP front and a dashboard over the renewal ledger.
export { startPropertyService, statusOfRefusal, type PropertyService, type PropertyServiceOptions } from './service.js';
export { dashboardHtml } from './dashboard.js';
