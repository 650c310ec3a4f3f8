package org.fcproc.bench;

/** How many iterations each measurement takes: {@link #full()} for the table, {@link #quick()} to try the harness. */
final class Plan {
  int rounds;
  int fcWarmup;
  int seedWarmup;
  int fcPerRound;
  int seedPerRound;
  long tpWarmupMs;
  int tpWindows;
  long tpWindowMs;
  int seedTpWindows;
  long seedTpWindowMs;
  int socketHandoffN;
  int socketN25;
  int socketN100;
  int tapWarmup;
  int tapN;
  int mountIters10;
  int mountIters100;
  int mountIters1000;
  int simWarmup;
  int simN;
  int explorerReps;
  int memHosts;

  static Plan full() {
    Plan p = new Plan();
    p.rounds = 5;
    p.fcWarmup = 400;
    p.seedWarmup = 5;
    p.fcPerRound = 300;
    p.seedPerRound = 10;
    p.tpWarmupMs = 1000;
    p.tpWindows = 5;
    p.tpWindowMs = 2000;
    p.seedTpWindows = 3;
    p.seedTpWindowMs = 3000;
    p.socketHandoffN = 3000;
    p.socketN25 = 200;
    p.socketN100 = 80;
    p.tapWarmup = 10;
    p.tapN = 60;
    p.mountIters10 = 20;
    p.mountIters100 = 10;
    p.mountIters1000 = 5;
    p.simWarmup = 10000;
    p.simN = 5000;
    p.explorerReps = 3;
    p.memHosts = 400;
    return p;
  }

  static Plan quick() {
    Plan p = new Plan();
    p.rounds = 1;
    p.fcWarmup = 20;
    p.seedWarmup = 1;
    p.fcPerRound = 20;
    p.seedPerRound = 2;
    p.tpWarmupMs = 200;
    p.tpWindows = 1;
    p.tpWindowMs = 300;
    p.seedTpWindows = 1;
    p.seedTpWindowMs = 300;
    p.socketHandoffN = 50;
    p.socketN25 = 10;
    p.socketN100 = 5;
    p.tapWarmup = 1;
    p.tapN = 3;
    p.mountIters10 = 1;
    p.mountIters100 = 1;
    p.mountIters1000 = 1;
    p.simWarmup = 20;
    p.simN = 50;
    p.explorerReps = 1;
    p.memHosts = 20;
    return p;
  }
}
