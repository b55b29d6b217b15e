/** Launches heartguard sensor without the cli module (for the benchmark): java -cp CP SensorMain.java ARGS */
public class SensorMain {
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new io.heartguard.sensor.SensorCommand()).execute(args));
  }
}
