/** Injection token for the AppConfig the app was created with. */
export const APP_CONFIG = 'claimline.AppConfig';
