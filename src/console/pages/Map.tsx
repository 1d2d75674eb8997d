import { useState } from 'react';
import { useApi } from './common';

interface Location {
  cpo: string;
  id: string;
  name: string | null;
  city: string | null;
  latitude: number;
  longitude: number;
  evses: { uid: string; evse_id: string | null; status: string }[];
}

const STATUS_COLOURS: Record<string, string> = {
  AVAILABLE: '#1e8449',
  CHARGING: '#2d6cdf',
  BLOCKED: '#d68910',
  RESERVED: '#8e44ad',
  OUTOFORDER: '#c0392b',
  INOPERATIVE: '#c0392b',
  PLANNED: '#95a5a6',
  REMOVED: '#7f8c8d',
  UNKNOWN: '#7f8c8d',
};

const WIDTH = 960;
const HEIGHT = 520;

/**
 * Locations on an equirectangular SVG projection fitted to their bounds, with a graticule for
 * orientation (no tile server). Each EVSE is a small dot in its status colour around its location.
 */
export function MapPage() {
  const [cpo, setCpo] = useState('');
  const [hover, setHover] = useState<Location>();
  const { data: all, error } = useApi<Location[]>('/api/locations');
  // The map is drawn only once its locations are here, so an empty map always means none.
  if (!all) return <p className={error ? 'error' : undefined}>{error || 'Loading locations…'}</p>;
  const locations = all.filter((l) => Number.isFinite(l.latitude) && Number.isFinite(l.longitude) && (!cpo || l.cpo === cpo));
  const cpos = [...new Set(all.map((l) => l.cpo))];
  const lats = locations.map((l) => l.latitude);
  const lons = locations.map((l) => l.longitude);
  const pad = 1;
  const [minLat, maxLat] = [Math.min(...lats, 90) - pad, Math.max(...lats, -90) + pad];
  const [minLon, maxLon] = [Math.min(...lons, 180) - pad, Math.max(...lons, -180) + pad];
  const scale = Math.min(WIDTH / (maxLon - minLon || 1), HEIGHT / (maxLat - minLat || 1));
  const x = (lon: number) => (lon - minLon) * scale;
  const y = (lat: number) => (maxLat - lat) * scale;
  const step = maxLon - minLon > 40 ? 10 : 5;
  const grid = (from: number, to: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => Math.ceil(from / step) * step + i * step).filter((v) => v <= to);
  return (
    <>
      <form className="inline">
        <label>
          CPO
          <select name="cpo" value={cpo} onChange={(e) => setCpo(e.target.value)}>
            <option value="">all</option>
            {cpos.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <span className="legend">
          {Object.entries(STATUS_COLOURS).slice(0, 6).map(([status, colour]) => (
            <span key={status}>
              <span className="dot" style={{ background: colour }} />
              {status}
            </span>
          ))}
        </span>
      </form>
      <div className="panel">
        <svg data-testid="map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" style={{ background: '#eaf2fb', maxHeight: 560 }}>
          {grid(minLon, maxLon).map((lon) => (
            <g key={`lon${lon}`}>
              <line x1={x(lon)} x2={x(lon)} y1={0} y2={HEIGHT} stroke="#c9d8ea" />
              <text x={x(lon) + 3} y={HEIGHT - 4} fontSize={10} fill="#7b8da6">{lon}°</text>
            </g>
          ))}
          {grid(minLat, maxLat).map((lat) => (
            <g key={`lat${lat}`}>
              <line x1={0} x2={WIDTH} y1={y(lat)} y2={y(lat)} stroke="#c9d8ea" />
              <text x={3} y={y(lat) - 3} fontSize={10} fill="#7b8da6">{lat}°</text>
            </g>
          ))}
          {locations.map((location) => (
            <g key={`${location.cpo}-${location.id}`} onMouseEnter={() => setHover(location)} transform={`translate(${x(location.longitude)},${y(location.latitude)})`}>
              <circle r={9} fill="#fff" stroke="#1d2330" strokeWidth={1} />
              {location.evses.map((evse, i) => {
                const angle = (2 * Math.PI * i) / Math.max(1, location.evses.length);
                return <circle key={evse.uid} cx={5 * Math.cos(angle)} cy={5 * Math.sin(angle)} r={3} fill={STATUS_COLOURS[evse.status] ?? '#7f8c8d'} />;
              })}
            </g>
          ))}
        </svg>
      </div>
      {hover && (
        <div className="panel">
          <b>{hover.name ?? hover.id}</b> ({hover.cpo}, {hover.city}) · {hover.evses.map((e) => `${e.evse_id ?? e.uid}: ${e.status}`).join(' · ')}
        </div>
      )}
      <p>{locations.length} locations.</p>
    </>
  );
}
