import { isSet, ON_WORDS, type RawEnv } from './env-schema.js';

const isOn = (value: string | undefined) => ON_WORDS.includes(value?.trim() ?? '');
const isProduction = (env: RawEnv) => env.NODE_ENV?.trim() === 'production';

/**
 * Demo mode serves made-up data: it runs only when nothing says a real upstream was meant, and
 * never by accident in production, where a forgotten secret would otherwise go unnoticed.
 */
export function demoModeProblems(env: RawEnv): string[] {
  if (isSet(env.KEYAPI_API_KEY)) {
    return isOn(env.DEMO_MODE) ? ['DEMO_MODE: true conflicts with KEYAPI_API_KEY (unset one of them)'] : [];
  }
  if (isSet(env.KEYAPI_BASE_URL)) {
    return ['KEYAPI_API_KEY: required when KEYAPI_BASE_URL is set (unset both for demo mode)'];
  }
  if (isProduction(env) && !isOn(env.DEMO_MODE)) {
    return [
      'KEYAPI_API_KEY: required under NODE_ENV=production; set it to your KeyAPI key (or DEMO_MODE=true to serve synthetic demo data)',
    ];
  }
  return [];
}
