// Preloaded with `node --import` into a bench server when CPU_PROFILE_DIR is set. SIGUSR2
// starts a measurement, the next SIGUSR2 ends it and writes, in <dir>:
// - <pid>.cpu.json: the CPU time the process used in between;
// - <pid>.events.json: [event, µs] for every request: S its headers arrived, U the upstream
//   request went out, H the upstream's headers came back, F the response was written (from
//   node's and undici's diagnostics channels, on the clock of V8's profiles);
// - <pid>.cpuprofile, when this server's script is named in CPU_PROFILE_SAMPLE (file names,
//   comma-separated): V8's sampling profile.
// Toggled by the bench, so all three cover the timed requests only, not start-up or warm-up.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename } from 'node:path';

const dir = process.env.CPU_PROFILE_DIR;
const sampled = (process.env.CPU_PROFILE_SAMPLE ?? '').split(',').includes(basename(process.argv[1] ?? ''));
if (dir) {
  const session = sampled ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', {
      interval: Number(process.env.CPU_PROFILE_INTERVAL_US ?? 250),
    });
  }
  let started;
  const events = [];
  const note = (event) => () => {
    if (started) events.push([event, Number(process.hrtime.bigint() / 1000n)]);
  };
  subscribe('http.server.request.start', note('S'));
  subscribe('http.client.request.start', note('U'));
  subscribe('undici:client:sendHeaders', note('U'));
  subscribe('http.client.response.finish', note('H'));
  subscribe('undici:request:headers', note('H'));
  subscribe('http.server.response.finish', note('F'));
  process.on('SIGUSR2', async () => {
    if (!started) {
      await session?.post('Profiler.start');
      started = process.cpuUsage();
      return;
    }
    const used = process.cpuUsage(started);
    started = undefined;
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(profile));
    }
    writeFileSync(`${dir}/${process.pid}.events.json`, JSON.stringify(events));
    writeFileSync(
      `${dir}/${process.pid}.cpu.json`,
      JSON.stringify({ userUs: used.user, systemUs: used.system }),
    );
  });
}
