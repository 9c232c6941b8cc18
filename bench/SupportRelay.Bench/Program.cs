// Benchmarks print figures; they assert nothing. Usage: dotnet run -c Release --project bench/SupportRelay.Bench -- [name]
Console.WriteLine("no benchmarks yet");
return 0;
