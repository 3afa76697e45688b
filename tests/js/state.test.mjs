/* The URL codec (static/js/state.js, static/js/train/state.js) on the tables
   the pages really carry: the links the browser tests use, the new keys, the
   clamps, a round-trip property on seeded random states, and agreement with
   the server's decoder (app/url_state.py). */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clamp, clampTo, fitValue, keyOf, queryOf, readUrl, usesOldNames } from '../../static/js/state.js';
import { clampTrain, readTrainUrl, trainQuery } from '../../static/js/train/state.js';
import { fixtures, pythonDecode, seeded } from './support.mjs';

const { tables } = fixtures();
const at = (path) => `http://localhost${path}`;
const SIMPLE_SOURCE = 'u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2';
const SIMPLE_QUERY = `source=${encodeURIComponent(SIMPLE_SOURCE)}&values=w:0.5,b:2,x:0.5,ystar:1&data=x,ystar&labels=ystar:y*`;

describe('the player pages', () => {
  test('the links of the browser tests read as they always did', () => {
    const example = tables.example;
    assert.deepEqual(pick(readUrl(at('/examples/simple?pass=backward&step=4'), example), ['pass', 'step', 'speed', 'big', 'runs']),
      { pass: 'backward', step: 4, speed: 1, big: false, runs: 1 });
    const embed = readUrl(at('/embed/examples/simple?pass=backward&step=2&controls=0'), tables.embed);
    assert.equal(embed.controls, false);
    assert.equal(embed.autoplay, false);
    const playing = readUrl(at('/embed/examples/simple?autoplay=1&speed=4'), tables.embed);
    assert.equal(playing.autoplay, true);
    assert.equal(playing.speed, 4);
    assert.equal(playing.controls, true);
    const graph = readUrl(at(`/graph?${SIMPLE_QUERY}`), tables.graph);
    assert.deepEqual(pick(graph, ['source', 'values', 'data', 'labels', 'title']), {
      source: SIMPLE_SOURCE, values: { w: '0.5', b: '2', x: '0.5', ystar: '1' }, data: ['x', 'ystar'], labels: { ystar: 'y*' }, title: '',
    });
  });

  test('a state is written in the order and spelling the pages have used', () => {
    const state = readUrl(at('/examples/simple?big=1&speed=2&step=3&pass=backward&runs=2'), tables.example);
    assert.equal(queryOf(state, tables.example), 'pass=backward&step=3&speed=2&big=1&runs=2');
    const graph = readUrl(at(`/graph?${SIMPLE_QUERY}&pass=forward&step=0`), tables.graph);
    assert.equal(queryOf(graph, tables.graph),
      'source=u%20%3D%20w*x%0Av%20%3D%20u%20%2B%20b%0Ay%20%3D%20exp(v)%0Al%20%3D%20(y%20-%20ystar)%5E2'
      + '&values=w:0.5,b:2,x:0.5,ystar:1&data=x,ystar&labels=ystar:y*&pass=forward&step=0');
    // The form's keys alone (the home page opens /graph with them).
    assert.equal(queryOf({ ...graph, source: '  y = 2*x \n' }, tables.graph, 'form'),
      'source=y%20%3D%202*x&values=w:0.5,b:2,x:0.5,ystar:1&data=x,ystar&labels=ystar:y*');
  });

  test('fit and theme are read, kept in the URL and exposed on the state', () => {
    const state = readUrl(at('/embed/examples/simple?fit=1&theme=contrast'), tables.embed);
    assert.equal(state.fit, 1);
    assert.equal(state.theme, 'contrast');
    assert.equal(queryOf(state, tables.embed), 'pass=forward&step=0&fit=1&theme=contrast');
    const follow = readUrl(at('/embed/examples/simple?fit=0&theme=dark'), tables.embed);
    assert.equal(follow.fit, 0);
    assert.equal(queryOf(follow, tables.embed), 'pass=forward&step=0&fit=0&theme=dark');
    const automatic = readUrl(at('/embed/examples/simple?fit=2&theme=blue'), tables.embed);
    assert.equal(automatic.fit, null);
    assert.equal(automatic.theme, null);
    assert.equal(queryOf(automatic, tables.embed), 'pass=forward&step=0');
  });

  test('clamping keeps a state within the table and the document', () => {
    const counts = { forward: 4, backward: 7 };
    const state = readUrl(at('/examples/simple?pass=sideways&step=-3&speed=3&runs=500&big=yes'), tables.example);
    assert.deepEqual(pick(state, ['pass', 'step', 'speed', 'runs', 'big']), { pass: 'forward', step: 0, speed: 1, runs: 99, big: false });
    assert.equal(clamp({ ...state, pass: 'backward', step: 12.7 }, tables.example, counts).step, 7);
    assert.equal(clamp({ ...state, pass: 'forward', step: 2.7 }, tables.example, counts).step, 2);
    assert.equal(clamp({ ...state, step: Number.NaN }, tables.example, counts).step, 0);
    assert.equal(clamp({ ...state, runs: 0 }, tables.example, counts).runs, 1);
    assert.equal(clamp({ ...state, theme: 'neon', fit: true }, tables.example, counts).theme, null);
  });

  test('a page reads only the keys of its table', () => {
    const home = readUrl(at(`/?${SIMPLE_QUERY}&pass=backward`), tables.home);
    assert.deepEqual(Object.keys(home), ['source', 'values', 'data', 'labels', 'title']);
    const example = readUrl(at(`/examples/simple?${SIMPLE_QUERY}`), tables.example);
    assert.equal(example.source, undefined);
    assert.equal(queryOf(example, tables.example), 'pass=forward&step=0');
  });
});

describe('the Train view', () => {
  const practical = tables['train-practical'];

  test('its defaults are the example\'s and its limits the server\'s', () => {
    const state = readTrainUrl(at('/examples/practical/train'), practical);
    assert.deepEqual(pick(state, ['step', 'lr', 'order', 'seed', 'n', 'landscape', 'pass', 'passStep', 'speed']),
      { step: 0, lr: 1e-4, order: 'random', seed: 0, n: 5000, landscape: ['w', 'b'], pass: null, passStep: null, speed: 2 });
    assert.equal(keyOf(practical, 'points'), undefined);                 // no random data
    assert.equal(keyOf(practical, 'step').max, 2_000_000);
    const regression = tables['train-regression'];
    assert.equal(keyOf(regression, 'points').max, 100_000);
    assert.equal(keyOf(regression, 'order'), undefined);                 // full-batch GD
    assert.deepEqual(readTrainUrl(at('/x?points=300&lr=0.01&step=200'), regression).points, 300);
    assert.equal(readTrainUrl(at('/x?points=999999'), regression).points, 100_000);
    assert.equal(readTrainUrl(at('/x?seed=-5'), practical).seed, 0);   // numpy takes no negative seed
  });

  test('the place in the passes is pass_step; old links with node still read', () => {
    const old = readTrainUrl(at('/examples/practical/train?step=3&pass=backward&node=2'), practical);
    assert.deepEqual([old.pass, old.passStep], ['backward', 2]);
    const query = trainQuery(old, practical);
    assert.match(query, /&pass=backward&pass_step=2(&|$)/);
    assert.doesNotMatch(query, /node=/);
    // An old link is rewritten at once (the store is told to), a new one is not.
    assert.equal(usesOldNames(at('/examples/practical/train?step=3&pass=backward&node=2'), practical), true);
    assert.equal(usesOldNames(at(`/examples/practical/train?${query}`), practical), false);
    assert.equal(usesOldNames(at('/examples/simple?node=2'), tables.example), false);
    const now = readTrainUrl(at('/examples/practical/train?pass=forward&pass_step=5'), practical);
    assert.deepEqual([now.pass, now.passStep], ['forward', 5]);
    // Both or neither.
    const lone = readTrainUrl(at('/examples/practical/train?pass=forward'), practical);
    assert.deepEqual([lone.pass, lone.passStep], [null, null]);
    assert.deepEqual(pick(clampTrain({ ...now, passStep: 40 }, { forward: 4, backward: 6 }, practical), ['pass', 'passStep']),
      { pass: 'forward', passStep: 4 });
  });

  test('the landscape is two different parameters of the model', () => {
    const read = (value) => readTrainUrl(at(`/examples/practical/train?landscape=${value}`), practical).landscape;
    assert.deepEqual(read('b,w'), ['b', 'w']);
    assert.deepEqual(read('w,w'), ['w', 'b']);
    assert.deepEqual(read('w,zzz'), ['w', 'b']);
    assert.deepEqual(read('w'), ['w', 'b']);
  });

  test('an expression\'s page keeps its graph and data specs', () => {
    const table = tables['train-source'];
    const state = readTrainUrl(at('/graph/train?source=l%20%3D%20(a*x%20%2B%20c%20-%20y)%5E2&values=a:0.5,c:2&data=x,y'
      + '&spec_x=arange:0,2,0.1&spec_y=3*x%20%2B%201&step=4'), table);
    assert.deepEqual(state.spec, { x: 'arange:0,2,0.1', y: '3*x + 1' });
    assert.deepEqual(state.data, ['x', 'y']);
    assert.match(trainQuery(state, table), /&spec_x=arange:0,2,0.1&spec_y=3\*x%20%2B%201$/);
  });
});

describe('round trip (property, seeded)', () => {
  const CASES = 300;
  const NAMES = ['w', 'b', 'x', 'ystar', 'w1', 'x_2', 'p', 'θ', 'long_name_7'];
  const CHARS = [...'abcxyz019 *+-/^=&?#%,:;()[]\'"<>.!~\t\nü√ℓ′€', '😀', '𝑥'];

  function text(rng, { trim = false, comma = true } = {}) {
    let out = '';
    for (let i = rng.int(0, 12); i > 0; i -= 1) {
      const c = rng.pick(CHARS);
      if (comma || c !== ',') out += c;
    }
    return trim ? out.trim() : out;
  }

  /** A random value each key of the table allows (null where its default is). */
  function valueOf(rng, key) {
    if (key.default === null && rng.chance(0.3)) return null;
    switch (key.type) {
      case 'text': return text(rng, { trim: key.trim });
      case 'pairs': case 'prefixed': {
        const map = {};
        for (let i = rng.int(0, 3); i > 0; i -= 1) map[rng.pick(NAMES)] = key.type === 'pairs' ? text(rng, { trim: true, comma: false }) : text(rng);
        return map;
      }
      case 'names':
        if (key.length) {
          const shuffled = [...key.choices].sort(() => rng.next() - 0.5);
          return shuffled.length >= key.length ? shuffled.slice(0, key.length) : key.default;
        }
        return Array.from({ length: rng.int(0, 3) }, () => rng.pick(NAMES));
      case 'choice': return rng.pick(key.choices);
      case 'flag': return rng.chance(0.5);
      case 'int': {
        const low = key.min ?? -1e6;
        const high = key.max ?? low + 1e6;
        return rng.chance(0.2) ? rng.pick([low, high]) : rng.int(low, Math.min(high, low + 1e7));
      }
      case 'number': {
        const size = 10 ** (rng.next() * 12 - 8);   // 1e-8 to 1e4, any float
        return key.above === undefined && rng.chance(0.5) ? -size : size;
      }
      default: throw new Error(key.type);
    }
  }

  function randomState(rng, table) {
    const state = {};
    for (const key of table.keys) state[key.field || key.key] = valueOf(rng, key);
    return state;
  }

  const isTrain = (name) => name.startsWith('train');

  for (const [name, table] of Object.entries(tables)) {
    test(`decode(encode(state)) is the state, on the ${name} page's table`, () => {
      const rng = seeded(20261201 + name.length);
      const read = isTrain(name) ? (href) => readTrainUrl(href, table) : (href) => readUrl(href, table);
      const write = isTrain(name) ? (s) => trainQuery(s, table) : (s) => queryOf(s, table);
      for (let i = 0; i < CASES; i += 1) {
        let state = randomState(rng, table);
        if (isTrain(name)) state = clampTrain(state, null, table);   // pass and pass_step: both or neither
        assert.deepEqual(clampTo(state, table), state, 'the generator makes states the table allows');
        const query = write(state);
        const back = read(at(`/page?${query}`));
        assert.deepEqual(back, state, `case ${i}: ${query}`);
        assert.equal(write(back), query);
      }
    });
  }

  test('the server decodes every query as the page does', () => {
    const rng = seeded(7);
    const cases = [];
    for (const [name, table] of Object.entries(tables)) {
      for (let i = 0; i < 40; i += 1) {
        const state = isTrain(name) ? clampTrain(randomState(rng, table), null, table) : randomState(rng, table);
        cases.push({ name, keys: table.keys, query: queryOf(state, table) });
      }
    }
    // And a few that are not what the page writes.
    for (const query of ['step=2.9&runs=0&speed=abc&big=0&fit=1&theme=dark', 'node=4&pass=backward&lr=-1&points=0',
      'values=a:1,,b,c:&data=,x,,y&landscape=w,w', 'step=&lr=1e-3&seed=99999999999&controls=1']) {
      for (const name of ['example', 'train-regression', 'train-source']) cases.push({ name, keys: tables[name].keys, query });
    }
    const server = pythonDecode(cases);
    cases.forEach((c, i) => {
      const mine = readUrl(at(`/page?${c.query}`), tables[c.name]);
      assert.deepEqual(normalise(server[i]), normalise(mine), `${c.name}: ${c.query}`);
    });
  });
});

function pick(state, fields) {
  return Object.fromEntries(fields.map((f) => [f, state[f]]));
}

/** Through JSON, as the server's answer came. */
function normalise(state) {
  return JSON.parse(JSON.stringify(state));
}

test('fitValue refuses what a key does not allow', () => {
  const key = { key: 'k', type: 'int', default: 5, min: 1, max: 9 };
  assert.equal(fitValue(key, '7'), 5);
  assert.equal(fitValue(key, 70), 9);
  assert.equal(fitValue({ key: 'lr', type: 'number', default: 0.1, above: 0 }, 0), 0.1);
  assert.throws(() => fitValue({ key: 'k', type: 'colour', default: null }, 1), /unknown type 'colour'/);
});
