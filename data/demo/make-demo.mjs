#!/usr/bin/env node
// Writes data/demo/demo.json: the demo data set in the server's import format
// (POST /{org}/{app}/import, or agora-local-server --seed).  Deterministic:
// times are "age_ms" (relative to when the server loads the file) and the
// only randomness is a fixed-seed generator, so the file is reproducible.
//   node data/demo/make-demo.mjs            (rewrites demo.json beside it)
//   node data/demo/make-demo.mjs --out FILE (writes FILE instead)

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PASSWORD = 'demo-password';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// mulberry32: a tiny seeded generator, enough for jitter.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20240601);
const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const users = [
  { username: 'alice', nickname: 'Alice' },
  { username: 'bob', nickname: 'Bob Miller' },
  { username: 'carol', nickname: 'Carol 陈' },
  { username: 'wangxiaoming', nickname: '王小明' },
  { username: 'lina', nickname: '李娜' },
  { username: 'zhangwei', nickname: '张伟' },
].map((u) => ({ ...u, password: PASSWORD }));

const groups = [
  { ref: 'hiking', groupname: '周末徒步 Weekend Hiking', description: '每周末一起去爬山 / hiking every weekend', owner: 'wangxiaoming', members: ['alice', 'bob', 'lina'], public: true },
  { ref: 'phoenix', groupname: 'Project Phoenix 项目组', description: 'Release planning and daily sync', owner: 'alice', members: ['carol', 'zhangwei', 'bob'], public: false },
  { ref: 'books', groupname: '读书会 Book Club', description: 'One book a month', owner: 'lina', members: ['alice', 'carol'], public: false },
];

const contacts = [['alice', 'bob'], ['alice', 'carol'], ['alice', 'wangxiaoming'], ['alice', 'lina'], ['alice', 'zhangwei'], ['bob', 'carol']];

// Non-text bodies, referenced from the scripts by name.
const attachments = {
  photo: { type: 'img', url: 'http://127.0.0.1/chatfiles/demo-summit.jpg', secret: 'demo-secret-1', filename: 'summit.jpg', size: { width: 1600, height: 1200 }, file_length: 482113 },
  cat: { type: 'img', url: 'http://127.0.0.1/chatfiles/demo-cat.png', secret: 'demo-secret-2', filename: 'cat.png', size: { width: 800, height: 800 }, file_length: 201554 },
  plan: { type: 'file', url: 'http://127.0.0.1/chatfiles/demo-plan.pdf', secret: 'demo-secret-3', filename: 'Phoenix-release-plan.pdf', file_length: 1048576 },
  report: { type: 'file', url: 'http://127.0.0.1/chatfiles/demo-report.xlsx', secret: 'demo-secret-4', filename: '季度报告.xlsx', file_length: 93184 },
  cafe: { type: 'loc', addr: '北京市海淀区中关村大街27号', lat: 39.9834, lng: 116.3162, buildingName: '漫咖啡 Maan Coffee' },
  trailhead: { type: 'loc', addr: '香山公园东门, 北京', lat: 39.9926, lng: 116.1889, buildingName: 'Fragrant Hills east gate' },
};

// Conversation scripts.  Each session is [daysAgo, hourOfDay, lines]; a line is
// [speaker, text-or-attachment-name].  One-to-one speakers: 'a' = alice, 'p' = peer.
const chats = {
  bob: [
    [20, 9, [['p', 'Morning Alice! Did you get the invite for the Phoenix kickoff?'], ['a', 'Yes, Thursday at 10, right?'], ['p', 'Right. Carol will present the timeline.'], ['a', 'Great, I\'ll bring the budget numbers.']]],
    [17, 18, [['p', 'Are you coming to the hike on Saturday?'], ['a', 'Probably! Depends on the weather.'], ['p', 'Forecast says sunny, 22°C.'], ['a', 'Then count me in 🙂'], ['p', 'Awesome. Meet at the east gate at 8.']]],
    [13, 12, [['p', 'Quick question: which branch should I base the hotfix on?'], ['a', 'release-2.3, not main.'], ['p', 'Got it, thanks.'], ['a', 'And please tag Zhang Wei for review.']]],
    [9, 20, [['p', 'cat'], ['p', 'Look who learned to open the fridge.'], ['a', 'Haha, that is one clever cat!'], ['p', 'Clever and always hungry.']]],
    [5, 10, [['a', 'Bob, can you send me the final slides before lunch?'], ['p', 'Sure, just polishing the charts.'], ['p', 'Sent! Check your mail.'], ['a', 'Got them, they look great.']]],
    [2, 16, [['p', 'Are we still on for coffee tomorrow?'], ['a', 'Yes! Same place as last time?'], ['p', 'cafe'], ['p', 'This one, 3 pm.'], ['a', 'Perfect, see you there.']]],
    [0, 1, [['p', 'Landed safely, talk tomorrow.'], ['a', 'Welcome back! Get some rest.']]],
  ],
  carol: [
    [19, 14, [['p', 'Hi Alice, 我把需求文档整理好了。'], ['a', '太好了，发我看看？'], ['p', 'plan'], ['p', 'Section 3 still needs your input on the budget.'], ['a', 'OK, I\'ll fill it in tonight.']]],
    [15, 11, [['a', 'Carol, did legal approve the new terms?'], ['p', 'Not yet, they promised an answer by Friday.'], ['a', 'Let me know if they push back.'], ['p', 'Will do.']]],
    [11, 19, [['p', '你看完《三体》了吗？'], ['a', '第二部看了一半，太精彩了。'], ['p', '第三部更震撼，别剧透给你了 😄'], ['a', '哈哈，千万别！']]],
    [6, 9, [['p', 'Morning! The demo environment is down again.'], ['a', 'Ugh. Did you ping ops?'], ['p', 'Yes, they say 30 minutes.'], ['a', 'Then let\'s move the customer call to 11.'], ['p', 'Done, I sent the update.']]],
    [1, 15, [['a', '明天的评审会你能来吗？'], ['p', '可以，几点？'], ['a', '下午两点，三楼会议室。'], ['p', '好的，我准时到。']]],
  ],
  wangxiaoming: [
    [18, 21, [['p', 'Alice，周末一起去香山吗？'], ['a', '好啊！几点出发？'], ['p', '早上八点，东门集合。'], ['p', 'trailhead'], ['a', '收到，我带点水果。']]],
    [14, 8, [['p', '早上好！今天北京雾霾挺严重的，记得戴口罩。'], ['a', '谢谢提醒，你也是。']]],
    [10, 13, [['a', '小明，上次说的那家川菜馆叫什么名字？'], ['p', '叫“蜀九香”，在五道口。'], ['a', '好，周五晚上请你吃饭！'], ['p', '哈哈，那我就不客气了。'], ['p', '六点半见？'], ['a', '没问题。']]],
    [7, 17, [['p', 'photo'], ['p', '山顶的风景，上次你没来真可惜。'], ['a', '哇，太美了！下次一定去。']]],
    [3, 22, [['p', '下周出差去上海，有什么推荐的吗？'], ['a', '一定要去外滩看夜景，还有生煎包！'], ['p', '记下了，谢谢！']]],
  ],
  lina: [
    [16, 20, [['p', 'Alice, this month\'s book is "The Remains of the Day".'], ['a', 'Oh, I love Ishiguro!'], ['p', 'Me too. Discussion on the 28th?'], ['a', 'Works for me.']]],
    [12, 10, [['p', '你能帮我看一下这份报告吗？'], ['p', 'report'], ['a', '好的，下午给你反馈。'], ['a', '第二页的数据好像有点问题，增长率算错了。'], ['p', '啊，谢谢！我马上改。']]],
    [8, 18, [['a', 'Happy birthday Lina! 🎂'], ['p', 'Thank you so much! 谢谢！'], ['a', 'Any plans tonight?'], ['p', 'Dinner with family, then cake!']]],
    [4, 12, [['p', '周六的徒步我可能去不了了，要加班。'], ['a', '太可惜了，下次吧。'], ['p', '嗯，帮我多拍点照片！']]],
  ],
  zhangwei: [
    [12, 16, [['p', 'Alice，代码评审我看完了，有两个小问题。'], ['a', '你说。'], ['p', '一个是空指针检查，另一个是日志里打印了 token。'], ['a', '第二个很重要，我马上改。谢谢！']]],
    [6, 14, [['a', 'Zhang Wei, can you take over the CI migration?'], ['p', 'Sure. Deadline?'], ['a', 'End of next week.'], ['p', 'No problem, I\'ll start tomorrow.']]],
    [2, 11, [['p', 'CI 迁移完成了，所有测试都通过了。'], ['a', '太棒了！辛苦了。'], ['p', '不客气，顺便把构建时间缩短了一半。'], ['a', 'Amazing work 👏']]],
  ],
};

// Group scripts: speakers are user names.
const groupChats = {
  hiking: [
    [20, 19, [['wangxiaoming', '大家好！这个群用来约周末徒步。'], ['bob', 'Hi all! Happy to join.'], ['lina', '欢迎欢迎！'], ['alice', 'Hello everyone 👋']]],
    [17, 21, [['wangxiaoming', '这周六去香山，早上八点东门集合。'], ['wangxiaoming', 'trailhead'], ['bob', 'I\'ll be there.'], ['alice', '我也去！'], ['lina', '我带零食 🍪']]],
    [16, 12, [['bob', 'photo'], ['bob', 'What a view from the top!'], ['lina', '太美了！'], ['wangxiaoming', '下次去慕田峪长城怎么样？'], ['alice', 'Great idea!']]],
    [9, 20, [['wangxiaoming', '下周天气不好，徒步取消，改成室内攀岩？'], ['bob', 'Climbing sounds fun.'], ['lina', '我没攀过，可以学吗？'], ['wangxiaoming', '当然，有教练。'], ['alice', 'Count me in.']]],
    [3, 18, [['lina', '这周六我要加班，你们玩得开心！'], ['bob', 'We\'ll miss you!'], ['wangxiaoming', '周六八点半，慕田峪停车场见。'], ['alice', 'See you there!']]],
    [0, 3, [['wangxiaoming', '今天走了 15 公里，大家辛苦了！'], ['bob', 'My legs are dead 😂'], ['alice', '下次还来！']]],
  ],
  phoenix: [
    [19, 10, [['alice', 'Welcome to the Phoenix project group.'], ['alice', 'plan'], ['alice', 'Here is the release plan, please read it before Thursday.'], ['carol', 'Thanks Alice, will do.'], ['zhangwei', '收到。'], ['bob', 'Got it.']]],
    [15, 9, [['carol', 'Daily sync: design review done, waiting on legal.'], ['zhangwei', '后端接口已经完成 80%。'], ['bob', 'Frontend is blocked on the auth API.'], ['zhangwei', '今天下班前给你。']]],
    [11, 9, [['zhangwei', '认证接口已经部署到测试环境了。'], ['bob', 'Works for me, thanks!'], ['alice', 'Nice progress everyone.']]],
    [8, 15, [['carol', 'Customer asked for a demo next Tuesday.'], ['alice', 'Can we make it?'], ['bob', 'If we freeze features on Friday, yes.'], ['zhangwei', '我同意，周五冻结。'], ['alice', 'Decision: feature freeze on Friday.']]],
    [5, 17, [['zhangwei', 'report'], ['zhangwei', '性能测试报告，延迟降低了 40%。'], ['carol', 'Impressive!'], ['alice', '👏👏👏']]],
    [1, 10, [['bob', 'Release candidate is tagged: v2.4.0-rc1.'], ['carol', 'I\'ll run the acceptance tests.'], ['zhangwei', '我来盯监控。'], ['alice', 'Thanks team, let\'s ship it on Monday.']]],
  ],
  books: [
    [18, 20, [['lina', '欢迎加入读书会！这个月读石黑一雄的《长日将尽》。'], ['carol', 'Great choice.'], ['alice', '我已经开始读了。']]],
    [10, 21, [['carol', 'Chapter 3 made me so sad.'], ['lina', '管家的克制真让人心疼。'], ['alice', 'The writing is beautiful though.']]],
    [4, 20, [['lina', '下个月读什么？我提议《活着》。'], ['alice', '好啊，余华的书我很喜欢。'], ['carol', 'I\'ll try the English translation.'], ['lina', '就这么定了！']]],
  ],
};

function body(text) {
  return attachments[text] ? { ...attachments[text] } : { type: 'txt', msg: text };
}

const messages = [];
const usedAges = new Set();
function push(msg, age) {
  while (usedAges.has(age)) age += 1; // one message per millisecond
  usedAges.add(age);
  messages.push({ ...msg, age_ms: age });
}

// Session start as an age: daysAgo days back at hourOfDay, read against a
// fixed "now" of 23:30 so that day 0 sessions are earlier today.
const sessionStartAge = (daysAgo, hour) => daysAgo * DAY + (23.5 - hour) * HOUR + between(0, 20) * MIN;

for (const [peer, sessions] of Object.entries(chats)) {
  for (const [daysAgo, hour, lines] of sessions) {
    let age = sessionStartAge(daysAgo, hour);
    for (const [who, text] of lines) {
      const from = who === 'a' ? 'alice' : peer;
      const to = who === 'a' ? peer : 'alice';
      push({ from, to, type: 'chat', body: body(text) }, age);
      age -= between(20, 240) * 1000;
    }
  }
}
for (const [ref, sessions] of Object.entries(groupChats)) {
  for (const [daysAgo, hour, lines] of sessions) {
    let age = sessionStartAge(daysAgo, hour);
    for (const [from, text] of lines) {
      push({ from, to: ref, type: 'groupchat', body: body(text) }, age);
      age -= between(15, 180) * 1000;
    }
  }
}
// The Phoenix daily sync on working days: the longest conversation, so that
// back-fill has more than one page of history to page through.
const standup = {
  carol: ['Today: customer interviews, then updating the spec.', 'Yesterday I finished the onboarding mockups.', '今天主要写用户文档。', 'Blocked: still waiting for the legal review.', 'Reviewing Bob\'s PR this morning.', '下午和客户开会，确认验收标准。'],
  zhangwei: ['今天继续优化数据库查询。', '昨天修了三个 bug，今天做压力测试。', 'Working on the CI pipeline today.', '接口文档已经更新了。', '今天和运维一起排查内存泄漏。', 'Migrating the staging database tonight.'],
  bob: ['Frontend: finishing the settings page.', 'Fixed the login redirect bug yesterday.', 'Today: accessibility pass on the forms.', '今天写单元测试。', 'Pairing with Zhang Wei on the API client.', 'Dark mode is done, screenshots in the PR.'],
  alice: ['Thanks all. Remember the customer demo on Tuesday.', '好的，有问题随时说。', 'Great progress, keep going!', 'Let\'s sync again tomorrow, same time.', 'I\'ll update the roadmap accordingly.', '辛苦了，今天早点下班。'],
};
for (let d = 20; d >= 0; d--) {
  if (d % 7 === 2 || d % 7 === 3) continue; // the weekend
  let age = sessionStartAge(d, 9) - 5 * MIN;
  push({ from: 'alice', to: 'phoenix', type: 'groupchat', body: { type: 'txt', msg: d % 2 ? 'Morning team, daily sync time ☀️' : '早上好，开始站会。' } }, age);
  for (const who of ['carol', 'zhangwei', 'bob', 'alice']) {
    age -= between(30, 150) * 1000;
    const pool = standup[who];
    push({ from: who, to: 'phoenix', type: 'groupchat', body: { type: 'txt', msg: pool[(d + who.length) % pool.length] } }, age);
  }
}

// alice and bob plan a trip: one long evening thread.
const trip = [
  ['p', 'So, Chengdu in October?'], ['a', 'Yes! I\'ve always wanted to see the pandas.'], ['p', 'Flights are cheaper on the 3rd.'],
  ['a', 'The 3rd works. How long?'], ['p', 'Five days? Chengdu, then Leshan for the Giant Buddha.'], ['a', '乐山大佛！一定要去。'],
  ['p', 'And hotpot every night 🌶️'], ['a', 'Not every night, my stomach won\'t survive 😂'], ['p', 'Fine, every other night.'],
  ['a', 'Deal. Should we book a hotel near Chunxi Road?'], ['p', 'Good location, lots of food around.'], ['a', 'I found one with a rooftop bar.'],
  ['p', 'Send me the link.'], ['a', 'Sent. 420 yuan a night.'], ['p', 'Reasonable. Book it!'], ['a', 'Booked, confirmation in your mail.'],
  ['p', 'Panda base opens at 7:30, we should go early.'], ['a', '早上的熊猫最活跃。'], ['p', 'Then we take the train to Leshan the next day.'],
  ['a', 'The high-speed train takes about an hour.'], ['p', 'Nice. And Mount Emei?'], ['a', 'Maybe, if we are not too tired.'],
  ['p', 'I\'ll make a shared packing list.'], ['a', 'Don\'t forget the rain jackets, October is rainy there.'], ['p', 'Good point.'],
  ['a', '我去换点现金，有些小店不收卡。'], ['p', 'Most places take WeChat Pay now, but cash is a good backup.'], ['a', 'True.'],
  ['p', 'This is going to be great.'], ['a', 'Can\'t wait! Good night, Bob.'], ['p', 'Night!'],
];
{
  let age = sessionStartAge(12, 21);
  for (const [who, text] of trip) {
    push({ from: who === 'a' ? 'alice' : 'bob', to: who === 'a' ? 'bob' : 'alice', type: 'chat', body: { type: 'txt', msg: text } }, age);
    age -= between(20, 120) * 1000;
  }
}

// Some bob–carol talk that alice never sees, so the data is not alice-only.
for (let d = 0; d < 6; d++) {
  let age = sessionStartAge(d * 3 + 1, 13);
  for (const text of ['Lunch?', '好啊，楼下那家面馆？', 'Sure, 12:15.', '👌']) {
    const from = messages.length % 2 ? 'bob' : 'carol';
    push({ from, to: from === 'bob' ? 'carol' : 'bob', type: 'chat', body: { type: 'txt', msg: text } }, age);
    age -= between(30, 90) * 1000;
  }
}

// Oldest first, as a server would have received them.
messages.sort((x, y) => y.age_ms - x.age_ms);

const demo = { users, groups, contacts, messages };
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(dirname(fileURLToPath(import.meta.url)), 'demo.json');
writeFileSync(out, JSON.stringify(demo, null, 1) + '\n');
console.log(`wrote ${out}: ${users.length} users, ${groups.length} groups, ${messages.length} messages`);
