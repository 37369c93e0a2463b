/* global LightweightCharts, window, document, fetch, EventSource, URLSearchParams */
// The candle chart page: reads /charts/api/candles, draws candles + volume + VWAP/ATR bands + signals,
// leaves stored gaps empty, and applies live candles from /charts/live. Times on the axis are the KST
// wall-clock reading (the server sends it as UTC seconds), so the axis reads KST in any browser zone.
(function () {
  const params = new URLSearchParams(window.location.search);
  const symbol = params.get('symbol');
  const tf = params.get('tf') || '1';
  const form = document.getElementById('controls');
  for (const k of ['from', 'to', 'tf']) if (params.get(k)) form.elements[k].value = params.get(k);
  const state = (window.krtrade = { ready: false, live: false, errors: [] });

  const LW = LightweightCharts;
  const el = document.getElementById('chart');
  const chart = LW.createChart(el, {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#222' },
    timeScale: { timeVisible: tf !== 'D', secondsVisible: false },
    crosshair: { mode: LW.CrosshairMode.Normal },
  });
  const candles = chart.addSeries(LW.CandlestickSeries, { upColor: '#d24f45', downColor: '#1f5fbf', borderVisible: false, wickUpColor: '#d24f45', wickDownColor: '#1f5fbf' });
  const volume = chart.addSeries(LW.HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' }, color: '#9bb', lastValueVisible: false, priceLineVisible: false });
  chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const band = (color) => chart.addSeries(LW.LineSeries, { color, lineWidth: 1, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false });
  const vwap = band('#e0a020');
  const upper = band('#999');
  const lower = band('#999');
  const markers = LW.createSeriesMarkers(candles, []);
  Object.assign(state, { chart, candles, volume, vwap, upper, lower });

  let fmt = new Intl.NumberFormat('en-US');
  const text = (v) => (v === null || v === undefined ? '—' : fmt.format(v));
  const legend = document.getElementById('legend');
  chart.subscribeCrosshairMove((p) => {
    const b = p.seriesData && p.seriesData.get(candles);
    legend.textContent = b && b.open !== undefined ? `O ${text(b.open)}  H ${text(b.high)}  L ${text(b.low)}  C ${text(b.close)}` : '';
  });

  const signalMarker = (s) => {
    const up = s.kind === 'enter_long';
    const down = s.kind === 'enter_short';
    return { time: s.time, position: up ? 'belowBar' : 'aboveBar', color: up ? '#d24f45' : down ? '#1f5fbf' : '#555', shape: up ? 'arrowUp' : down ? 'arrowDown' : 'circle', text: `${s.strategy}: ${s.kind}` };
  };

  function draw(data) {
    fmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: data.decimals, maximumFractionDigits: data.decimals });
    const price = { type: 'custom', minMove: data.tick, formatter: (v) => fmt.format(v) };
    candles.applyOptions({ priceFormat: price });
    // Whitespace (a time without values) keeps a stored gap visible instead of joining across it.
    const rows = data.bars.map((b) => ({ ...b })).concat(data.gaps.map((t) => ({ time: t })));
    rows.sort((a, b) => a.time - b.time);
    candles.setData(rows);
    volume.setData(rows.map((r) => (r.open === undefined ? { time: r.time } : { time: r.time, value: r.volume, color: r.close >= r.open ? '#e8b4b0' : '#a9c1e8' })));
    vwap.setData(data.bands.map((b) => ({ time: b.time, value: b.vwap })));
    upper.setData(data.bands.filter((b) => b.upper !== null).map((b) => ({ time: b.time, value: b.upper })));
    lower.setData(data.bands.filter((b) => b.lower !== null).map((b) => ({ time: b.time, value: b.lower })));
    markers.setMarkers(data.signals.filter((s) => s.kind !== 'monitor').map(signalMarker));
    document.getElementById('range').textContent = data.from === data.to ? data.from : `${data.from} – ${data.to}`;
    const n = (k, word) => `${k} ${word}${k === 1 ? '' : 's'}`;
    document.getElementById('notes').textContent = `${n(data.bars.length, 'bar')}, ${n(data.gaps.length, 'gap')}, ${n(data.signals.length, 'signal')}`;
    if (!form.elements.from.value) form.elements.from.value = data.from;
    if (!form.elements.to.value && !data.live) form.elements.to.value = data.to;
    chart.timeScale().fitContent();
  }

  // Live candles are 1-minute bars; a coarser bar is rebuilt from its minutes so a republished minute never counts twice.
  const minutesOfBar = new Map();
  const bucket = (c) => (tf === 'D' ? Date.parse(`${c.tradingDate}T00:00:00Z`) / 1000 : Math.floor(c.time / 1000 / (Number(tf) * 60)) * Number(tf) * 60);
  function apply(c) {
    const t = bucket(c);
    const last = candles.data().filter((r) => r.open !== undefined).at(-1);
    if (last && t < last.time) return load(); // a late minute inside the chart: reload the data, not the page
    let mins = minutesOfBar.get(t);
    if (!mins) minutesOfBar.set(t, (mins = new Map()));
    mins.set(c.time, c);
    const ms = [...mins.values()].sort((a, b) => a.time - b.time);
    const bar = { time: t, open: ms[0].open, high: Math.max(...ms.map((m) => m.high)), low: Math.min(...ms.map((m) => m.low)), close: ms.at(-1).close };
    const vol = ms.reduce((s, m) => s + m.volume, 0);
    candles.update(bar);
    volume.update({ time: t, value: vol, color: bar.close >= bar.open ? '#e8b4b0' : '#a9c1e8' });
    state.lastLive = { ...bar, volume: vol };
  }

  let source;
  async function load() {
    const q = new URLSearchParams({ symbol, tf });
    for (const k of ['from', 'to']) if (params.get(k)) q.set(k, params.get(k));
    const res = await fetch(`/charts/api/candles?${q}`);
    if (!res.ok) {
      document.getElementById('notes').textContent = await res.text();
      state.ready = true;
      return;
    }
    const data = await res.json();
    minutesOfBar.clear();
    draw(data);
    state.data = data;
    if (data.live && !source) {
      source = new EventSource(`/charts/live?${new URLSearchParams({ symbol })}`);
      source.onopen = () => {
        state.live = true;
        document.getElementById('live-state').textContent = '● live';
      };
      source.onmessage = (e) => apply(JSON.parse(e.data));
      source.onerror = () => {
        state.live = false;
        document.getElementById('live-state').textContent = '○ reconnecting';
      };
    }
    state.ready = true;
  }
  load().catch((e) => {
    state.errors.push(String(e));
    state.ready = true;
  });
})();
