// The local mail sink as a process of its own (`npm start` supervises it): MAIL_SINK_PORT,
// messages stored in MAIL_SINK_DIR for `practiceflow mail` and the console's mailbox.
import { startMailSink } from './mail-sink';

const port = Number(process.env.MAIL_SINK_PORT ?? '2525');
const storeDir = process.env.MAIL_SINK_DIR;
if (!Number.isInteger(port) || port <= 0 || !storeDir) {
  console.error('mail sink: needs MAIL_SINK_PORT (a port) and MAIL_SINK_DIR (a folder)');
  process.exit(1);
}
const sink = await startMailSink({ port, storeDir });
console.log(`mail sink listening on ${sink.url}, storing in ${storeDir}`);
const stop = () => void sink.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
