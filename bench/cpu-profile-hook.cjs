// A CPU profiler for the bench's worker, every thread of it (workflow code runs in worker threads, which
// `node --cpu-prof` does not write before the worker is stopped):
//   BENCH_WORKER_NODE_ARGS="--require ./bench/cpu-profile-hook.cjs" npm run bench -- …
//   kill -WINCH <the worker's node pid, in the bench's log>   # each thread writes its profile so far, then starts anew
// Profiles go to CPU_PROFILE_DIR (default: the system's temp folder) as seg-<pid>-t<thread>-<n>-<ms>.cpuprofile,
// for Chrome DevTools. SIGWINCH because the SDK stops the worker on SIGUSR2 and node's inspector takes SIGUSR1.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { BroadcastChannel, isMainThread, threadId } = require('node:worker_threads');

const dir = process.env.CPU_PROFILE_DIR || tmpdir();
const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

const started = post('Profiler.enable')
  .then(() => post('Profiler.setSamplingInterval', { interval: 1000 })) // µs
  .then(() => post('Profiler.start'));

let segment = 0;
const write = async () => {
  await started;
  const { profile } = await post('Profiler.stop');
  const file = join(dir, `seg-${process.pid}-t${threadId}-${++segment}-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.error(`[cpu-profile] wrote ${file}`);
  await post('Profiler.start');
};

// Signals reach the main thread only; it tells the others.
const channel = new BroadcastChannel('bench-cpu-profile');
channel.unref();
if (isMainThread)
  process.on('SIGWINCH', () => {
    channel.postMessage('write');
    void write();
  });
else channel.onmessage = () => void write();
