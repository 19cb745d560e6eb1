// The official Web SDK (agora-chat 1.4.0) as the other party of the plugin's
// live tests and benchmark, driven line by line from a C test:
//   stdin : one JSON command per line
//   stdout: one JSON event per line (the C side waits for them)
// Commands:
//   {"cmd":"login","user","password","device"}          -> {"ev":"ready","resource"}
//   {"cmd":"send","to","text","group"?:bool,"tag"?}      -> {"ev":"sent","id","tag"} | {"ev":"send-error","tag","message"}
//   {"cmd":"echo","on":bool,"prefix"?}                   replies prefix+text to every text message received
//   {"cmd":"delete","peer","ids":[...],"group"?:bool}    one-way deletion by ids (REST, with our resource)
//   {"cmd":"rtt","to","n","group"?:bool}                 the SDK's own round trip against an echoing peer:
//                                                        -> {"ev":"rtt","samples":[ms...]}
//   {"cmd":"burst","to","n","prefix"}                   n texts prefix+i as fast as acks allow (64 in flight)
//                                                        -> {"ev":"burst-done","ms"}
//   {"cmd":"group-invite","group","users":[...]}        -> {"ev":"group-done"}
//   {"cmd":"group-remove","group","user"}               -> {"ev":"group-done"}
//   {"cmd":"quit"}
// Events also: {"ev":"msg","from","to","text","id","time","chatType"} per text message received.
import { createInterface } from 'node:readline';
import { loadSdk, newConnection, releaseSdk, withTimeout } from '../sdk/sdk-harness.mjs';

const serverUrl = process.argv[2];
const AC = loadSdk();
let conn;
let echo = null;
const waiters = new Map(); // text -> resolve (rtt)

function emit(ev) {
  process.stdout.write(`${JSON.stringify(ev)}\n`);
}

function connection(device) {
  const c = newConnection(serverUrl, 'org1#app1', device);
  c.addEventHandler('peer', {
    onTextMessage: (m) => {
      emit({ ev: 'msg', from: m.from, to: m.to, text: m.msg, id: String(m.id), time: m.time, chatType: m.chatType });
      const w = waiters.get(m.msg);
      if (w) {
        waiters.delete(m.msg);
        w();
      }
      if (echo !== null && m.from !== c.user) {
        const to = m.chatType === 'groupChat' ? m.to : m.from;
        c.send(AC.message.create({ type: 'txt', chatType: m.chatType, to, msg: echo + m.msg }))
          .catch((e) => emit({ ev: 'send-error', tag: 'echo', message: String(e?.message ?? e) }));
      }
    },
    onError: (e) => emit({ ev: 'error', message: String(e?.message ?? JSON.stringify(e)) }),
  });
  return c;
}

async function handle(c) {
  switch (c.cmd) {
    case 'login': {
      conn = connection(c.device ?? `peer${process.pid}`);
      await withTimeout(conn.open({ user: c.user, pwd: c.password }), `open ${c.user}`);
      emit({ ev: 'ready', resource: conn.clientResource });
      break;
    }
    case 'send': {
      const chatType = c.group ? 'groupChat' : 'singleChat';
      try {
        const r = await withTimeout(conn.send(AC.message.create({ type: 'txt', chatType, to: c.to, msg: c.text })), 'send');
        emit({ ev: 'sent', id: String(r.serverMsgId), tag: c.tag ?? null });
      } catch (e) {
        emit({ ev: 'send-error', tag: c.tag ?? null, message: String(e?.message ?? JSON.stringify(e)) });
      }
      break;
    }
    case 'echo':
      echo = c.on ? (c.prefix ?? 're: ') : null;
      emit({ ev: 'ok' });
      break;
    case 'delete': {
      await withTimeout(conn.removeHistoryMessages({
        targetId: c.peer, chatType: c.group ? 'groupChat' : 'singleChat', messageIds: c.ids,
      }), 'removeHistoryMessages');
      emit({ ev: 'deleted' });
      break;
    }
    case 'rtt': {
      const samples = [];
      const chatType = c.group ? 'groupChat' : 'singleChat';
      for (let i = 0; i < c.n; i++) {
        const text = `sdk-rtt-${process.pid}-${i}`;
        const got = new Promise((resolve) => waiters.set(`re: ${text}`, resolve));
        const t0 = process.hrtime.bigint();
        await conn.send(AC.message.create({ type: 'txt', chatType, to: c.to, msg: text }));
        await withTimeout(got, 'echo');
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      emit({ ev: 'rtt', samples });
      break;
    }
    case 'burst': {
      const t0 = process.hrtime.bigint();
      const inflight = new Set();
      for (let i = 0; i < c.n; i++) {
        const p = conn.send(AC.message.create({ type: 'txt', chatType: 'singleChat', to: c.to, msg: `${c.prefix}${i}` }));
        inflight.add(p);
        p.finally(() => inflight.delete(p));
        if (inflight.size >= 64) await Promise.race(inflight);
      }
      await withTimeout(Promise.all(inflight), 'burst');
      emit({ ev: 'burst-done', ms: Number(process.hrtime.bigint() - t0) / 1e6 });
      break;
    }
    case 'group-invite':
      await withTimeout(conn.inviteUsersToGroup({ groupId: c.group, users: c.users }), 'inviteUsersToGroup');
      emit({ ev: 'group-done' });
      break;
    case 'group-remove':
      await withTimeout(conn.removeGroupMember({ groupId: c.group, username: c.user }), 'removeGroupMember');
      emit({ ev: 'group-done' });
      break;
    case 'quit':
      releaseSdk(conn ? [conn] : []);
      emit({ ev: 'bye' });
      process.exit(0);
      break;
    default:
      emit({ ev: 'error', message: `unknown command ${c.cmd}` });
  }
}

// Commands run one after another, in order.
let chain = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  chain = chain.then(() => handle(JSON.parse(line))).catch((e) => emit({ ev: 'error', message: String(e?.message ?? e) }));
});
process.stdin.on('end', () => {
  chain.then(() => {
    releaseSdk(conn ? [conn] : []);
    process.exit(0);
  });
});
