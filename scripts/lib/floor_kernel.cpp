// The floor kernel: the yardstick for districtsim's speed per core
// (scripts/bench, sections (f) and (g)). The simplest honest version of one
// teacher's monthly update in this model, for the reference district (100
// schools of 40 teachers, 300 months): column state, a CSR advice network of
// about 6 ties, one counter-based random draw, a few float operations. No
// model can do this work much faster per core, so districtsim's
// teacher-steps per second over this kernel's, on the same core at the same
// time, says how close to the limit the engine runs.
//
//   g++ -O3 -std=c++20 -o floor_kernel floor_kernel.cpp
//   taskset -c 0 ./floor_kernel 10   # 10 repetitions of the reference district
//
// Kept as it was given (its code below this comment is unchanged), so that
// ratios measured at different commits stay comparable.
// Minimal per-teacher-step work: the floor for one monthly update of a teacher in the district model.
// SoA state, CSR advice network (~6 ties), one counter-based random draw, a few flops.
#include <cstdint>
#include <vector>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
static inline uint64_t mix(uint64_t z){ z+=0x9e3779b97f4a7c15ULL; z=(z^(z>>30))*0xbf58476d1ce4e5b9ULL; z=(z^(z>>27))*0x94d049bb133111ebULL; return z^(z>>31);}
int main(int argc,char**argv){
  int schools=100, per=40, steps=300; int reps = argc>1? atoi(argv[1]) : 10;
  int n=schools*per; std::vector<float> skill(n), commit(n), fatigue(n), coach(n), nskill(n);
  std::vector<uint32_t> off(n+1), adj; adj.reserve(n*6);
  for(int i=0;i<n;i++){ off[i]=adj.size(); int s=i/per; for(int k=0;k<6;k++){ uint64_t r=mix(i*16+k); int j = (k<5)? s*per + r%per : r%n; adj.push_back(j);} skill[i]=(mix(i)%1000)/1000.f; commit[i]=0.5f; fatigue[i]=0.1f; coach[i]=(i%3==0)?1.f:0.f;}
  off[n]=adj.size();
  double sum=0; auto t0=std::chrono::steady_clock::now();
  for(int rep=0;rep<reps;rep++) for(int t=0;t<steps;t++){
    for(int i=0;i<n;i++){ float m=0; for(uint32_t e=off[i];e<off[i+1];e++) m+=skill[adj[e]]; m/= (off[i+1]-off[i]);
      uint64_t r=mix(((uint64_t)rep<<40)^((uint64_t)t<<20)^i); float u=(r>>40)*(1.0f/16777216.f);
      float peer = fmaxf(0.f, m-skill[i]); float g = 0.02f*coach[i]*commit[i] + 0.01f*peer + 0.001f*(u-0.5f);
      nskill[i]= fminf(1.f, skill[i] + g*(1.f-skill[i]) - 0.002f*fatigue[i]);
      commit[i] += 0.01f*(0.6f - commit[i]) - 0.005f*fatigue[i]; fatigue[i] = 0.98f*fatigue[i] + 0.001f*u; }
    skill.swap(nskill); }
  double dt=std::chrono::duration<double>(std::chrono::steady_clock::now()-t0).count();
  for(float x:skill) sum+=x; double ts=(double)n*steps*reps;
  printf("teacher_steps=%.0f seconds=%.3f rate=%.3g per_s (checksum %.3f)\n", ts, dt, ts/dt, sum);
}
